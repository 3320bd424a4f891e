/**
 * Resolves after one macrotask turn, so that messages (an abort from the UI) can arrive between steps
 * even on CPU backends whose `await t.data()` resolves as a microtask. Uses setImmediate in Node, a
 * MessageChannel in browsers and workers (no 4 ms timer clamp), else setTimeout(0). Microseconds.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
    } else if (typeof MessageChannel === 'function') {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
