import { useSignal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A GitHub owner's avatar, as GitHub draws it (round for users, square for
 * organizations we cannot tell apart here, so round). Extension pages may load
 * https images (MV3's default CSP restricts scripts, not images); when the
 * image cannot load (offline, an Enterprise host), the owner's initial shows.
 */
export function Avatar({ owner, size = 20 }: { owner: string; size?: number }) {
  const failed = useSignal(false);
  const image = useRef<HTMLImageElement>(null);
  // An image that failed before its listener was attached (a cached 404) fires no error event: asked as it mounts.
  useLayoutEffect(() => {
    const img = image.current;
    if (img?.complete && img.naturalWidth === 0) failed.value = true;
  }, []);
  if (!owner) return null;
  if (failed.value)
    return (
      <span class="avatar ff-avatar-initial" aria-hidden="true" style={{ width: size, height: size }}>
        {owner[0]?.toUpperCase()}
      </span>
    );
  return (
    <img
      ref={image}
      class="avatar"
      src={`https://github.com/${encodeURIComponent(owner)}.png?size=${size * 2}`}
      width={size}
      height={size}
      alt=""
      loading="lazy"
      onError={() => (failed.value = true)}
    />
  );
}
