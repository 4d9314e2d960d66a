/**
 * Media in Gemini's `generateContent` (google: and vertex:): a user message with `parts` becomes Gemini parts in
 * the prompt's order, media as `inlineData` (base64 bytes), or on Vertex AI a URL as `fileData`. The Gemini API's
 * fileData takes only Files API and Cloud Storage URIs, so a URL there is sent as bytes the engine stored.
 */
import type { Part } from '@google/genai';
import type { ChatMessage, ContentPart, MediaLimits } from '../types.js';
import { mediaBase64, unsupportedMedia } from './media-bytes.js';

const MB = 1024 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const AUDIO_TYPES = ['audio/wav', 'audio/mpeg'];
/** Gemini names MP3 `audio/mp3` where the store (and IANA) say `audio/mpeg`. */
const WIRE_MIME: Record<string, string> = { 'audio/mpeg': 'audio/mp3' };

/**
 * ai.google.dev/gemini-api/docs/image-understanding and audio: PNG, JPEG, WEBP (HEIC, HEIF) images and WAV, MP3
 * (AIFF, AAC, OGG, FLAC) audio; inline data counts against the 20 MB request size. No GIF.
 */
const GOOGLE_MEDIA: MediaLimits = {
  image: { mimeTypes: IMAGE_TYPES, maxBytes: 20 * MB, urls: false },
  audio: { mimeTypes: AUDIO_TYPES, maxBytes: 20 * MB, urls: false },
};

/**
 * cloud.google.com/vertex-ai/generative-ai/docs/multimodal/image-understanding: images up to 7 MB inline, and
 * fileData URIs that may be HTTP(S) URLs; audio within the 20 MB request.
 */
const VERTEX_MEDIA: MediaLimits = {
  image: { mimeTypes: IMAGE_TYPES, maxBytes: 7 * MB, urls: true },
  audio: { mimeTypes: AUDIO_TYPES, maxBytes: 20 * MB, urls: true },
};

/** The media limits of `google:` or `vertex:`. */
export function geminiMediaLimits(vertex: boolean): MediaLimits {
  return vertex ? VERTEX_MEDIA : GOOGLE_MEDIA;
}

/** A message's Gemini parts: its text, or a user message's parts in order. */
export function geminiPartsOf(message: ChatMessage, vertex: boolean): Part[] {
  if (message.role !== 'user' || !message.parts) return [{ text: message.content }];
  return message.parts.map((part) => partOf(part, vertex));
}

function partOf(part: ContentPart, vertex: boolean): Part {
  if (part.type === 'text') return { text: part.text };
  const media = part.media;
  const api = vertex ? 'Vertex AI' : 'Google';
  const limits = geminiMediaLimits(vertex)[media.$media];
  if (!limits?.mimeTypes.includes(media.mimeType)) throw unsupportedMedia(media, api, 'PNG, JPEG and WebP images, and WAV and MP3 audio');
  const mimeType = WIRE_MIME[media.mimeType] ?? media.mimeType;
  if (vertex && media.url !== undefined) return { fileData: { fileUri: media.url, mimeType } };
  return { inlineData: { mimeType, data: mediaBase64(media, api) } };
}
