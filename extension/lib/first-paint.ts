/**
 * The page's first frame: what a reopened popup paints from its caches must
 * not wait behind work it does not show (the older cached events, the
 * agent's first answers, the rest of a long chat). Such work is queued here
 * and runs in the task after that frame, in the order it was queued; once
 * the page has painted, queued work runs in the next task.
 */
const queue: Array<() => void> = [];
let painted = false;
let scheduled = false;

function flush(): void {
  if (painted) return;
  painted = true;
  for (const run of queue.splice(0)) {
    try {
      run();
    } catch (error) {
      console.error(error); // one failing step must not keep the others from running
    }
  }
}

export function hasPainted(): boolean {
  return painted;
}

/** Runs `run` in the task after the page's first frame (or in the next task, when that frame is past). Returns the cancel. */
export function afterFirstPaint(run: () => void): () => void {
  if (painted) {
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  }
  queue.push(run);
  if (!scheduled) {
    scheduled = true;
    // The frame's callbacks run before its paint; the task queued from them runs after it. A hidden page
    // paints no frame: it runs the queue at once (and, should it be hidden later, after a second at most).
    if (document.visibilityState === 'hidden') setTimeout(flush, 0);
    else {
      requestAnimationFrame(() => setTimeout(flush, 0));
      setTimeout(flush, 1000);
    }
  }
  return () => {
    const at = queue.indexOf(run);
    if (at !== -1) queue.splice(at, 1);
  };
}
