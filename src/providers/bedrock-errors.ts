/**
 * What the AWS SDK throws, as the ProviderError the executor acts on. AWS errors are not shaped like the
 * OpenAI-style SDKs' (status in `$metadata.httpStatusCode`, the exception name in `name`, headers on the hidden
 * `$response`), so they are read here; network failures and aborts go to the shared mapping in sdk-errors.ts.
 */
import { ProviderError } from '../errors.js';
import type { LlmlabError } from '../errors.js';
import { asRecord, clean, httpError, isRetryableStatus, malformedError, parseRetryAfter, toProviderError } from './sdk-errors.js';
import type { ErrorContext } from './sdk-errors.js';

/** Exceptions that mean "try again later" whatever their status says (ModelNotReady is a 429, ModelTimeout a 408). */
const RETRYABLE = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'TooManyRequestsException',
]);

/** Exceptions that mean the credentials are missing, wrong, expired or not allowed to call the model. */
const AUTH = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'UnauthorizedException',
]);

const AUTH_HINT =
  'check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or config.profile, or AWS_BEARER_TOKEN_BEDROCK), ' +
  'that they are not expired, and that they may call bedrock:InvokeModel on this model in this region (and that access to the model is enabled)';

const NO_CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_PROFILE or config.profile, or AWS_BEARER_TOKEN_BEDROCK';

/** Maps anything the Bedrock client throws to an LlmlabError; an aborted signal wins over every explanation. */
export function bedrockError(error: unknown, context: ErrorContext): LlmlabError {
  if (context.signal?.aborted) return toProviderError(error, context);
  const record = asRecord(error);
  const name = typeof record?.['name'] === 'string' ? record['name'] : '';
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return new ProviderError(`${context.api}: no AWS credentials found: ${clean(messageOf(record), context.secrets)}`, {
      retryable: false,
      hint: NO_CREDENTIALS_HINT,
    });
  }
  const status = asRecord(record?.['$metadata'])?.['httpStatusCode'];
  if (typeof status !== 'number' || status <= 0) return toProviderError(error, context);
  // A 2xx that failed: the SDK could not read the body it was sent.
  if (status >= 200 && status < 300) return malformedError(context.api, 'body is not valid JSON');
  // The message as every SDK-backed provider words it, with the key redacted.
  const { message } = httpError(context, status, messageOf(record), undefined);
  if (AUTH.has(name) || status === 401) return new ProviderError(message, { status, retryable: false, hint: AUTH_HINT });
  const retryable = isRetryableStatus(status) || RETRYABLE.has(name) || record?.['$retryable'] !== undefined;
  const headers = asRecord(record?.['$response'])?.['headers'];
  return new ProviderError(message, { status, retryable, retryAfterMs: retryable ? parseRetryAfter(headers) : undefined });
}

/** The service's message; AWS JSON errors spell it `message` or `Message`, and the SDK copies either. */
function messageOf(record: Record<string, unknown> | undefined): string {
  const message = record?.['message'] ?? record?.['Message'];
  return typeof message === 'string' ? message : '';
}
