import { describe, expect, it } from 'vitest';
import { findSecrets, isCardNumber } from '../../src/detectors/secret-patterns.js';

const kinds = (text: string) => findSecrets(text).map((m) => [m.kind, m.value]);

describe('findSecrets', () => {
  it('finds each kind with its position', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const text = [
      'Mail jane.doe+test@example.co.uk now.',
      'Call +1 415-555-0123 or (020) 7946 0958 or 415.555.0199.',
      'Card 4111 1111 1111 1111 expires soon.',
      'AWS AKIAIOSFODNN7EXAMPLE here.',
      'Key sk-proj-abcdefghijklmnopqrstuvwxyz012345 leaked.',
      `Token ${jwt}`,
      '-----BEGIN RSA PRIVATE KEY-----',
    ].join('\n');
    expect(kinds(text)).toEqual([
      ['email', 'jane.doe+test@example.co.uk'],
      ['phone', '+1 415-555-0123'],
      ['phone', '(020) 7946 0958'],
      ['phone', '415.555.0199'],
      ['credit-card', '4111 1111 1111 1111'],
      ['aws-access-key', 'AKIAIOSFODNN7EXAMPLE'],
      ['openai-key', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345'],
      ['jwt', jwt],
      ['private-key', '-----BEGIN RSA PRIVATE KEY-----'],
    ]);
    const [first] = findSecrets(text);
    expect(text.slice(first!.index, first!.index + first!.value.length)).toBe(first!.value);
  });

  it('checks card numbers with Luhn', () => {
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(isCardNumber('5500-0000-0000-0004')).toBe(true);
    expect(isCardNumber('4111111111111112')).toBe(false);
    expect(isCardNumber('411111111111')).toBe(false);
    expect(kinds('Card 4111 1111 1111 1112 is invalid.')).toEqual([]);
    expect(kinds('card 4111-1111-1111-1111')).toEqual([['credit-card', '4111-1111-1111-1111']]);
  });

  it('does not flag ordinary text, numbers and dates', () => {
    const text = [
      'The meeting is on 2024-01-15 at 10:30, room 4012.',
      'Revenue was 1234567 dollars; order id 98765.',
      'Use scikit-learn (sk-learn) and email me at the usual address.',
      'The word canary and AKIA alone are fine; so is eyJ by itself.',
      '-----BEGIN PUBLIC KEY-----',
    ].join('\n');
    expect(findSecrets(text)).toEqual([]);
  });

  it('reports overlapping matches once, as the higher-priority kind', () => {
    expect(kinds('+4111111111111111')).toEqual([['credit-card', '4111111111111111']]);
  });
});
