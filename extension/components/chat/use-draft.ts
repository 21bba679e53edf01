import { type Signal, useSignal } from '@preact/signals';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { draftFrom, draftKey } from '../../lib/chat-events.js';

/**
 * The message being written to a session, kept in extension storage as it is
 * typed so it survives the popup closing; restored as the chat mounts unless
 * the user already started typing, and cleared once it is sent.
 */
export function useDraft(sessionId: string): {
  text: Signal<string>;
  type(text: string): void;
  clear(): void;
} {
  const text = useSignal('');
  useLayoutEffect(() => {
    let gone = false;
    browser.storage.local.get(draftKey(sessionId)).then(
      (stored) => {
        if (!gone && !text.value) text.value = draftFrom(stored[draftKey(sessionId)]);
      },
      (error: unknown) => console.warn('ff: the draft could not be read', error),
    );
    return () => {
      gone = true;
    };
  }, [sessionId]);
  return useMemo(
    () => ({
      text,
      type: (typed: string) => {
        text.value = typed;
        void browser.storage.local.set({ [draftKey(sessionId)]: typed });
      },
      clear: () => {
        text.value = '';
        void browser.storage.local.remove(draftKey(sessionId));
      },
    }),
    [sessionId],
  );
}
