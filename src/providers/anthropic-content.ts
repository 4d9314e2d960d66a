/**
 * Media in the Anthropic Messages API: a user message with `parts` becomes a list of content blocks in the prompt's
 * order, each image a `base64` or `url` source block. The API takes no audio.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, ContentPart, MediaLimits } from '../types.js';
import { streamedBase64, unsupportedMedia } from './media-bytes.js';

const API = 'Anthropic';

/**
 * docs.anthropic.com/en/docs/build-with-claude/vision: JPEG, PNG, GIF and WebP, at most 5 MB per image through the
 * API, as base64 or a URL source; no audio input.
 */
export const ANTHROPIC_MEDIA: MediaLimits = {
  image: { mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxBytes: 5 * 1024 * 1024, urls: true },
};

type MessageParam = Anthropic.MessageParam;
type Block = Anthropic.ContentBlockParam;

/** A user or assistant message in the Messages API's shape: text, or a user message's parts as blocks. */
export function anthropicMessageOf(message: ChatMessage & { role: 'user' | 'assistant' }): MessageParam {
  if (message.role !== 'user' || !message.parts) return { role: message.role, content: message.content };
  return { role: 'user', content: message.parts.map(blockOf) };
}

function blockOf(part: ContentPart): Block {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const media = part.media;
  if (part.type === 'audio' || !ANTHROPIC_MEDIA.image!.mimeTypes.includes(media.mimeType)) {
    throw unsupportedMedia(media, API, 'JPEG, PNG, GIF and WebP images, and no audio');
  }
  if (media.url !== undefined) return { type: 'image', source: { type: 'url', url: media.url } };
  const mediaType = media.mimeType as 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: streamedBase64(media, API) } };
}
