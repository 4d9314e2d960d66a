/**
 * Media before the first call: content parts written as `file:`/`data:` are hashed into the media store once
 * (preparePromptMedia), and every piece of media a provider would be sent must be of a kind, type and size it
 * accepts (checkMedia). A refused image is a config error naming the provider, the test and the limit, before any
 * money is spent, never an HTTP 400 on cell 312.
 */
import { LlmlabError } from '../errors.js';
import { mediaDirFor } from '../media/media-dir.js';
import { withMaxEdge } from '../media/downscale.js';
import { MEDIA_MAX_BYTES, openMediaStore } from '../media/store.js';
import type { MediaLimits, MediaRef, MediaSink, Provider, TestCase } from '../types.js';
import type { CompiledPrompt } from './render.js';
import { createPromptMedia, markMediaVars, MediaPending, type PromptMedia } from './render-media.js';
import type { Plan } from './plan.js';

/**
 * The run's resolver of content parts: the media store beside the database (`storePath`; `dbPath`, the project's,
 * for an in-memory database), opened on first need so a run without media parts creates no folder; downscaling
 * to the suite's `media.maxEdge` when it sets one.
 */
export function openRunMedia(storePath: string, dbPath: string, maxEdge?: number): PromptMedia {
  return createPromptMedia(() => {
    const store = openMediaStore(mediaDirFor(storePath === ':memory:' ? dbPath : storePath));
    return maxEdge === undefined ? store : withMaxEdge(store, maxEdge);
  });
}

/**
 * Where image generation providers put their output (GenerateContext.media): the same store as
 * {@link openRunMedia}, opened on the first image, so a run that generates none creates no folder.
 */
export function generatedMedia(storePath: string, dbPath: string): MediaSink {
  let store: MediaSink | undefined;
  return { put: (bytes, options) => (store ??= openMediaStore(mediaDirFor(storePath === ':memory:' ? dbPath : storePath))).put(bytes, options) };
}

/**
 * Renders every (test, prompt) pair whose prompt has media parts until each part's value is in the media store,
 * so rendering a cell later never waits. Throws what rendering throws (TEMPLATE_ERROR, the store's errors).
 */
export async function preparePromptMedia(plan: Plan): Promise<void> {
  for (const { tests, prompts } of sections(plan)) {
    const withMedia = prompts.filter((prompt) => prompt.mediaParts);
    for (const test of withMedia.length > 0 ? tests : []) {
      for (const prompt of withMedia) await renderPrepared(prompt, test);
    }
  }
}

async function renderPrepared(prompt: CompiledPrompt, test: TestCase): Promise<void> {
  for (;;) {
    try {
      prompt.render(test);
      return;
    } catch (error) {
      if (!(error instanceof MediaPending)) throw error;
      await error.pending;
    }
  }
}

/** The suite's tests and prompts, and the forgetting sections', with the provider labels that run them. */
function sections(plan: Plan): Array<{ tests: readonly TestCase[]; prompts: readonly CompiledPrompt[]; labels?: readonly string[] }> {
  const security = plan.suite.security;
  const main = plan.suite.providers.map((p) => p.label).filter((label) => !(security?.targetOnly && label === security.target));
  return [
    { tests: plan.suite.tests, prompts: plan.prompts, labels: main },
    ...(plan.suite.forgetting ?? []).map((section) => ({
      tests: section.tests,
      prompts: plan.forgetting.get(section.name) ?? [],
      labels: section.providers,
    })),
  ];
}

/**
 * Throws CONFIG_INVALID for the first piece of media a provider of the suite would be sent and does not accept:
 * its kind (`ollama does not accept audio`), its type, its size (`anthropic accepts images up to 5 MB;
 * img/big.png is 8.2 MB`), or a URL to a provider that needs bytes. `providers` maps labels to live providers.
 */
export function checkMedia(plan: Plan, providers: ReadonlyMap<string, Provider>): void {
  for (const { tests, prompts, labels } of sections(plan)) {
    const running = (labels ?? []).flatMap((label) => {
      const provider = providers.get(label);
      return provider ? [{ label, provider }] : [];
    });
    if (running.length === 0) continue;
    // Most suites have no media at all: then nothing is rendered again (checkTemplates did it once).
    const partsOf = prompts.filter((prompt) => prompt.mediaParts);
    for (const test of tests) {
      const inVars = markMediaVars(test.vars).refs.length > 0;
      for (const prompt of inVars ? prompts : partsOf) {
        for (const ref of mediaOf(prompt, test)) {
          for (const { label, provider } of running) {
            const refusal = refused(provider.media, ref, label);
            if (refusal) throw mediaError(refusal, plan, label, test, prompt);
          }
        }
      }
    }
  }
}

/** The media of the user messages of one rendered (prompt, test) pair; none is the common, cheap case. */
function mediaOf(prompt: CompiledPrompt, test: TestCase): MediaRef[] {
  const refs: MediaRef[] = [];
  for (const message of prompt.render(test).messages) {
    for (const part of message.parts ?? []) if (part.type !== 'text') refs.push(part.media);
  }
  return refs;
}

const KINDS = { image: 'images', audio: 'audio' } as const;

/** Why `limits` refuse `ref`, as one sentence, or undefined when they accept it. */
export function refused(limits: MediaLimits | undefined, ref: MediaRef, label: string): { why: string; hint: string } | undefined {
  const kind = ref.$media;
  const accepts = limits?.[kind];
  if (!accepts) {
    return {
      why: `${label} does not accept ${KINDS[kind]} (${ref.name})`,
      hint: limits ? `accepted: ${Object.keys(limits).map((k) => KINDS[k as keyof typeof KINDS]).join(', ')}` : `${label} takes text only: use a provider with vision/audio input, or leave the media out of its prompts`,
    };
  }
  if (!accepts.mimeTypes.includes(ref.mimeType)) {
    return {
      why: `${label} accepts ${KINDS[kind]} as ${accepts.mimeTypes.join(', ')}; ${ref.name} is ${ref.mimeType}`,
      hint: 'convert the file to one of the accepted types',
    };
  }
  if (ref.path === undefined && ref.url !== undefined && !accepts.urls) {
    return {
      why: `${label} does not accept ${kind} URLs, and ${ref.name} is not downloaded`,
      hint: 'download the file and refer to it as file:<path>',
    };
  }
  if (ref.bytes > accepts.maxBytes) {
    return {
      why: `${label} accepts ${KINDS[kind]} up to ${megabytes(accepts.maxBytes)}; ${ref.name} is ${megabytes(ref.bytes)}`,
      hint: `downscale or recompress ${ref.name} below ${megabytes(accepts.maxBytes)}`,
    };
  }
  return undefined;
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}

function mediaError(refusal: { why: string; hint: string }, plan: Plan, label: string, test: TestCase, prompt: CompiledPrompt): LlmlabError {
  const named = `test ${test.index + 1}${test.description ? ` (${test.description})` : ''}`;
  return new LlmlabError('CONFIG_INVALID', `${refusal.why} — provider ${label}, ${named}, prompt \`${prompt.id}\``, {
    where: { file: plan.suite.path },
    hint: refusal.hint,
  });
}

/** Downloads are bounded: the store refuses larger media anyway, and a hung server must not hold the run. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Before the check: URL media that a provider of the suite can only take as bytes (`urls: false`) is downloaded
 * into the media store once (providers that take URLs still get the URL). Then {@link checkMedia}. A failed
 * download stops the run before any call.
 */
export async function prepareMediaFor(plan: Plan, providers: ReadonlyMap<string, Provider>, media: PromptMedia, fetchBytes = downloadBytes): Promise<void> {
  const labels = new Set(sections(plan).flatMap((s) => s.labels ?? []));
  const byteOnly = [...providers].filter(([label]) => labels.has(label)).map(([, p]) => p.media);
  const needs = (ref: MediaRef) => byteOnly.some((limits) => limits?.[ref.$media]?.urls === false);
  await media.download(needs, fetchBytes);
  checkMedia(plan, providers);
}

/** GETs an `https:` URL's bytes, refusing an answer that is not 200 or is larger than the store takes. */
export async function downloadBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw downloadError(url, (error as Error).message);
  }
  if (!response.ok) throw downloadError(url, `HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MEDIA_MAX_BYTES) throw downloadError(url, `${declared} bytes, over the ${MEDIA_MAX_BYTES / 1024 / 1024} MB the media store takes`);
  return new Uint8Array(await response.arrayBuffer());
}

function downloadError(url: string, why: string): LlmlabError {
  return new LlmlabError('CONFIG_INVALID', `cannot download ${url} for a provider that takes media only as bytes: ${why}`, {
    hint: 'check the URL, or download the file and refer to it as file:<path>',
  });
}
