/**
 * Media for judges: a model-graded metric of a cell with images (in its prompt, or produced by an image
 * generation provider) shows them to a vision grader as parts of the judge's user message, after the text. A
 * grader that cannot take a piece of media (text only, the type, the size, a URL it cannot fetch) sees only its
 * placeholder (`[image: cat.png]`), is told so, and the assertion's reason says so: a verdict on an image the
 * judge never saw must not pass for one that looked. Not a metric itself.
 */
import { mediaPlaceholder } from '../types.js';
import type { ChatMessage, ContentPart, MediaLimits, MediaRef, MetricInput } from '../types.js';

/** The media a judge of one output is about: the prompt's and the output's, each in order. */
export interface JudgedMedia {
  prompt: readonly MediaRef[];
  output: readonly MediaRef[];
}

/** A judge prompt with the media the grader can see as parts, and what it could not be shown. */
export interface ShownMedia {
  messages: ChatMessage[];
  /** Media left as placeholders, in order. */
  unseen: MediaRef[];
}

/** The cell's media: its rendered prompt's (MetricInput.promptMedia) and what the provider produced (result.media). */
export function judgedMedia(input: Pick<MetricInput<unknown>, 'promptMedia' | 'result'>): JudgedMedia {
  return { prompt: input.promptMedia ?? [], output: input.result.media ?? [] };
}

/**
 * True when a grader with `limits` can be sent `media`: its kind, type and size accepted, and either bytes in
 * the store or a URL the grader fetches itself.
 */
export function graderAccepts(limits: MediaLimits | undefined, media: MediaRef): boolean {
  const accepted = limits?.[media.$media];
  if (!accepted || !accepted.mimeTypes.includes(media.mimeType) || media.bytes > accepted.maxBytes) return false;
  return media.path !== undefined || (media.url !== undefined && accepted.urls);
}

/**
 * Appends `media` to the last user message of `messages`: under a heading per source, each piece the grader
 * accepts as a part of its kind, each other one as its placeholder with a note that it cannot be shown. The
 * message's `content` is the same text with placeholders (ChatMessage's contract). Without media, `messages` as is.
 */
export function showMedia(messages: ChatMessage[], media: JudgedMedia, limits: MediaLimits | undefined): ShownMedia {
  const last = messages.map((m) => m.role).lastIndexOf('user');
  if (last === -1 || (media.prompt.length === 0 && media.output.length === 0)) return { messages, unseen: [] };
  const user = messages[last]!;
  const parts: ContentPart[] = [...(user.parts ?? [{ type: 'text', text: user.content }])];
  const unseen: MediaRef[] = [];
  const section = (heading: string, refs: readonly MediaRef[]) => {
    if (refs.length === 0) return;
    parts.push({ type: 'text', text: `\n\n[${heading}]` });
    for (const ref of refs) {
      parts.push({ type: 'text', text: '\n' });
      if (graderAccepts(limits, ref)) parts.push(ref.$media === 'image' ? { type: 'image', media: ref } : { type: 'audio', media: ref });
      else {
        unseen.push(ref);
        parts.push({ type: 'text', text: mediaPlaceholder(ref) });
      }
    }
  };
  section('Media in the task given to the AI system, in order', media.prompt);
  section('Media the AI system produced, in order', media.output);
  if (unseen.length > 0) {
    parts.push({ type: 'text', text: `\n\n[Note]\n${unseen.map(mediaPlaceholder).join(', ')} cannot be shown to you: judge from the text alone.` });
  }
  const shown: ChatMessage = { role: user.role, content: textOf(parts) };
  // A message whose media all stayed placeholders is plain text: a text-only grader takes it as any other.
  if (parts.some((p) => p.type !== 'text')) shown.parts = mergeText(parts);
  return { messages: messages.map((m, i) => (i === last ? shown : m)), unseen };
}

/** What an assertion's reason adds when its judge could not see some of the media: which, and why. */
export function unseenNote(unseen: readonly MediaRef[], limits: MediaLimits | undefined): string {
  const names = unseen.map(mediaPlaceholder).join(', ');
  const why = limits ? 'their type, size or URL is not one the grader accepts' : 'the grader accepts text only';
  return `(judged without seeing ${names}: ${why})`;
}

/** The text of parts, each piece of media as its placeholder. */
export function textOf(parts: readonly ContentPart[]): string {
  return parts.map((p) => (p.type === 'text' ? p.text : mediaPlaceholder(p.media))).join('');
}

/** Adjacent text parts joined, so a provider sends one text block between pieces of media. */
function mergeText(parts: readonly ContentPart[]): ContentPart[] {
  const merged: ContentPart[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (part.type === 'text' && previous?.type === 'text') merged[merged.length - 1] = { type: 'text', text: previous.text + part.text };
    else merged.push(part);
  }
  return merged;
}
