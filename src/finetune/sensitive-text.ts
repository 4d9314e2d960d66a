/**
 * Credentials and personal data in training text, found with the detectors the security checks use
 * (detectors/secret-patterns.ts: keys and tokens, and e-mail addresses, phone numbers and Luhn-valid card
 * numbers). A tuned model can repeat what it was trained on, so each hit is a warning. Messages name the kind
 * and the message it sits in, never the matched text: the report must not spread the secret further.
 */
import { findSecrets, type SecretKind } from '../detectors/secret-patterns.js';
import type { ExampleProblem } from './messages.js';

const PERSONAL: ReadonlySet<SecretKind> = new Set(['email', 'phone', 'credit-card']);

const NAMES: Record<SecretKind, string> = {
  'private-key': 'a private key',
  jwt: 'a JSON web token',
  'openai-key': 'an OpenAI API key',
  'aws-access-key': 'an AWS access key',
  'credit-card': 'a card number',
  email: 'an e-mail address',
  phone: 'a phone number',
};

/** One warning per kind per message: `secret` for credentials, `pii` for personal data. */
export function sensitiveProblems(texts: ReadonlyArray<{ role: string; text: string }>): ExampleProblem[] {
  const problems: ExampleProblem[] = [];
  texts.forEach(({ role, text }, index) => {
    const kinds = new Set(findSecrets(text).map((match) => match.kind));
    for (const kind of kinds) {
      problems.push({
        rule: PERSONAL.has(kind) ? 'pii' : 'secret',
        message: `${NAMES[kind]} in message ${index + 1} (${role})`,
      });
    }
  });
  return problems;
}
