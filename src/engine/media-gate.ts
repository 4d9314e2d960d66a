/**
 * A bound on the media bytes of the requests in flight. A request with an 8 MB image costs its provider about six
 * copies of it while it is built and sent (the file, its base64, the data URI, the JSON body, the socket buffer), so
 * 16 such calls in flight (`-j 16`) hold over a gigabyte however few images the suite has. The gate lets a request
 * with media start only while the media of those in flight stays under the budget; text-only requests never wait,
 * and a request larger than the whole budget runs alone. Memory then follows the budget, not `-j`.
 */
import type { ChatMessage } from '../types.js';

/** Raw media bytes in flight at once, by default: about 400 MB of process memory at the measured six copies. */
export const MEDIA_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/** The media bytes a request sends (stored media only: a URL sent as a URL costs nothing here). */
export function requestMediaBytes(messages: readonly ChatMessage[]): number {
  let bytes = 0;
  for (const m of messages) for (const part of m.parts ?? []) if (part.type !== 'text' && part.media.path !== undefined) bytes += part.media.bytes;
  return bytes;
}

/** The gate of one run. `acquire` resolves with the release function once the bytes fit. */
export function createMediaGate(budget = MEDIA_BYTES_IN_FLIGHT) {
  let inFlight = 0;
  const waiting: Array<{ bytes: number; start: () => void }> = [];
  const fits = (bytes: number) => inFlight === 0 || inFlight + bytes <= budget;
  const pump = () => {
    // First come, first served: a large request is not overtaken forever by small ones.
    while (waiting.length > 0 && fits(waiting[0]!.bytes)) waiting.shift()!.start();
  };
  return {
    async acquire(bytes: number): Promise<() => void> {
      if (bytes === 0) return () => {};
      if (waiting.length > 0 || !fits(bytes)) await new Promise<void>((start) => waiting.push({ bytes, start: () => start() }));
      inFlight += bytes;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight -= bytes;
        pump();
      };
    },
    /** Bytes of the requests now in flight (for tests). */
    inFlight: () => inFlight,
  };
}

export type MediaGate = ReturnType<typeof createMediaGate>;
