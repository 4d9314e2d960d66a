/**
 * Media in OpenAI's wire formats, for the openai provider and everything that reuses it (Azure, the
 * OpenAI-compatible vendors): a user message with `parts` becomes a content-part list, in the prompt's order. Chat
 * Completions takes `image_url` (a URL or a data: URI) and `input_audio` (base64 wav/mp3); the Responses API takes
 * `input_image` and no audio; the legacy completions API takes a text prompt only. Limits are per API and vendor,
 * not per model: a model without vision answers the API's own error, as any unsupported parameter does.
 */
import type OpenAI from 'openai';
import type { ChatMessage, ContentPart, MediaLimits, MediaRef } from '../types.js';
import { streamedBase64, streamedUrlOrDataUri, unsupportedMedia } from './media-bytes.js';
import type { OpenAIVendorType } from './openai-vendors.js';

const MB = 1024 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** input_audio's `format` by the store's sniffed type. */
const AUDIO_FORMATS: Record<string, 'wav' | 'mp3'> = { 'audio/wav': 'wav', 'audio/mpeg': 'mp3' };

/**
 * OpenAI: PNG, JPEG, WEBP and non-animated GIF, up to 20 MB per image, by URL or base64 data URL
 * (platform.openai.com/docs/guides/images-vision, "Image input requirements"). Audio: wav and mp3 as base64
 * `input_audio` only (docs/guides/audio); no per-clip limit is documented, so the audio APIs' 25 MB file limit.
 * Azure OpenAI documents the same image types and 20 MB.
 */
const OPENAI_MEDIA: MediaLimits = {
  image: { mimeTypes: IMAGE_TYPES, maxBytes: 20 * MB, urls: true },
  audio: { mimeTypes: Object.keys(AUDIO_FORMATS), maxBytes: 25 * MB, urls: false },
};

/** A vendor or server that documents no size limit of its own: OpenAI's, the format it copies. */
const IMAGES_AS_OPENAI: MediaLimits = { image: OPENAI_MEDIA.image };
const IMAGES_NO_URLS: MediaLimits = { image: { ...OPENAI_MEDIA.image!, urls: false } };

/**
 * What each vendor's chat endpoint takes, from its docs; undefined = text only. Typed over every vendor, so a new
 * one must be decided here.
 */
const VENDOR_MEDIA: Record<OpenAIVendorType, MediaLimits | undefined> = {
  // openrouter.ai/docs (images, audio): image_url by URL or base64, input_audio wav/mp3; limits are the model's.
  openrouter: OPENAI_MEDIA,
  // console.groq.com/docs/vision: 20 MB by URL, 4 MB base64 request (about 3 MB of bytes); no audio in chat.
  groq: { image: { mimeTypes: IMAGE_TYPES, maxBytes: 3 * MB, urls: true } },
  // docs.mistral.ai vision: up to 10 MB per image (PNG, JPEG, WEBP, non-animated GIF), URL or base64.
  mistral: { image: { mimeTypes: IMAGE_TYPES, maxBytes: 10 * MB, urls: true } },
  togetherai: IMAGES_AS_OPENAI,
  // The DeepSeek and Cerebras APIs take text only.
  deepseek: undefined,
  cerebras: undefined,
  // docs.x.ai image understanding: JPG/JPEG and PNG, up to 20 MiB, URL or base64.
  xai: { image: { mimeTypes: ['image/png', 'image/jpeg'], maxBytes: 20 * MB, urls: true } },
  // docs.perplexity.ai image attachments: PNG, JPEG, WEBP, GIF, up to 50 MB, URL or base64.
  perplexity: { image: { mimeTypes: IMAGE_TYPES, maxBytes: 50 * MB, urls: true } },
  // docs.fireworks.ai vision: base64 images up to 10 MB in total per request, or URLs.
  fireworks: { image: { mimeTypes: IMAGE_TYPES, maxBytes: 10 * MB, urls: true } },
  // Local servers: whatever the loaded model takes. LM Studio and llama.cpp read base64 only; vLLM fetches URLs
  // and takes input_audio for audio models.
  lmstudio: IMAGES_NO_URLS,
  llamacpp: IMAGES_NO_URLS,
  vllm: OPENAI_MEDIA,
};

/**
 * The media a provider of `type` (openai, azure or a vendor) accepts on `api`; undefined = text only. A custom base
 * URL on `openai:` is some compatible server, taken to accept what OpenAI does.
 */
export function openaiMediaLimits(type: string, api: 'chat' | 'completions' | 'responses' | undefined): MediaLimits | undefined {
  if (api === 'completions') return undefined;
  const chat = type === 'openai' || type === 'azure' ? OPENAI_MEDIA : VENDOR_MEDIA[type as OpenAIVendorType];
  // docs/guides/images-vision: the Responses API takes input_image; audio input is Chat Completions only.
  return api === 'responses' ? (chat?.image ? { image: chat.image } : undefined) : chat;
}

type ChatMessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ChatPart = OpenAI.Chat.Completions.ChatCompletionContentPart;

/** The prompt's messages in Chat Completions' shape: a user message with media as content parts, the rest as text. */
export function chatMessagesOf(messages: ChatMessage[], api: string): ChatMessageParam[] {
  return messages.map((message): ChatMessageParam => {
    if (message.role !== 'user' || !message.parts) return { role: message.role, content: message.content };
    return { role: 'user', content: message.parts.map((part) => chatPartOf(part, api)) };
  });
}

function chatPartOf(part: ContentPart, api: string): ChatPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image') return { type: 'image_url', image_url: { url: streamedUrlOrDataUri(part.media, api) } };
  return { type: 'input_audio', input_audio: { data: streamedBase64(part.media, api), format: audioFormatOf(part.media, api) } };
}

function audioFormatOf(ref: MediaRef, api: string): 'wav' | 'mp3' {
  const format = AUDIO_FORMATS[ref.mimeType];
  if (!format) throw unsupportedMedia(ref, api, 'wav and mp3 audio');
  return format;
}

/** One Responses `input` item: the message as it is, or a user message's parts as input_text/input_image. */
export function responsesInputOf(message: ChatMessage, api: string): Record<string, unknown> {
  if (message.role !== 'user' || !message.parts) return { role: message.role, content: message.content };
  const content = message.parts.map((part) => {
    if (part.type === 'text') return { type: 'input_text', text: part.text };
    if (part.type === 'image') return { type: 'input_image', image_url: streamedUrlOrDataUri(part.media, api), detail: 'auto' };
    throw unsupportedMedia(part.media, `${api}'s Responses API`, 'images (audio goes through Chat Completions)');
  });
  return { role: 'user', content };
}
