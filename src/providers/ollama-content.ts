/**
 * Media in Ollama's /api/chat: a user message with `parts` becomes its text beside `images`, the images' bytes in
 * the prompt's order (the client base64-encodes them). Ollama takes neither audio nor URLs, and has no place for
 * an image inside the text: the text parts are joined by line breaks, without placeholders, because a model that
 * reads `[image: cat.png]` beside the real image would take it for part of the question.
 */
import type { Message } from 'ollama';
import type { ChatMessage, MediaLimits } from '../types.js';
import { streamedBase64, unsupportedMedia } from './media-bytes.js';

const API = 'Ollama';

/**
 * github.com/ollama/ollama docs/api.md: `images`, a list of base64 images, for multimodal models. The server
 * decodes PNG, JPEG and WebP and documents no size limit: 20 MB (OpenAI's) keeps a stray huge file out of a
 * local model's context.
 */
export const OLLAMA_MEDIA: MediaLimits = {
  image: { mimeTypes: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 20 * 1024 * 1024, urls: false },
};

/** The prompt's messages in /api/chat's shape. */
export function ollamaMessagesOf(messages: ChatMessage[]): Message[] {
  return messages.map((message): Message => {
    if (message.role !== 'user' || !message.parts) return { role: message.role, content: message.content };
    const texts: string[] = [];
    // Tokens the transport streams as base64 (media-body.ts). The client reads a string naming an existing file as
    // that file and passes any other string through, so a token (never a path) reaches the body as written.
    const images: string[] = [];
    for (const part of message.parts) {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'image' && OLLAMA_MEDIA.image!.mimeTypes.includes(part.media.mimeType)) images.push(streamedBase64(part.media, API));
      else throw unsupportedMedia(part.media, API, 'PNG, JPEG and WebP images, and no audio');
    }
    return { role: 'user', content: texts.join('\n'), images };
  });
}
