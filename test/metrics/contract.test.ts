import { metricTypes } from '../../src/metrics/index.js';
import type { MetricType } from '../../src/metrics/index.js';
import { testMetric } from './test-metric.js';
import type { MetricContract } from './test-metric.js';

// Typed over every id, so a new built-in metric without an entry here fails to compile.
const contracts: Record<MetricType, MetricContract> = {
  equals: {
    passing: { value: 'Paris', output: 'Paris' },
    failing: { value: 'Paris', output: 'Lyon' },
    boolean: true,
  },
  contains: {
    passing: { value: 'reset link', output: 'We sent you a reset link.' },
    failing: { value: 'reset link', output: 'Contact support.' },
    boolean: true,
  },
  icontains: {
    passing: { value: 'reset link', output: 'Click the Reset Link below.' },
    failing: { value: 'reset link', output: 'Contact support.' },
    boolean: true,
  },
  'contains-any': {
    passing: { value: ['refund', 'credit'], output: 'You will get store credit.' },
    failing: { value: ['refund', 'credit'], output: 'No compensation.' },
    boolean: true,
  },
  'contains-all': {
    passing: { value: ['order', 'refund'], output: 'Your order refund is on its way.' },
    failing: { value: ['order', 'refund'], output: 'Your order shipped.' },
    boolean: true,
  },
  'starts-with': {
    passing: { value: 'Yes', output: 'Yes, you can.' },
    failing: { value: 'Yes', output: 'No, you cannot.' },
    boolean: true,
  },
  regex: {
    passing: { value: '^\\d{3}-\\d{4}$', output: '555-1234' },
    failing: { value: '^\\d{3}-\\d{4}$', output: 'call 555-1234' },
    boolean: true,
  },
  'is-json': {
    passing: { value: { type: 'object', required: ['answer'] }, output: '{"answer": 42}' },
    failing: { value: { type: 'object', required: ['answer'] }, output: '{"reply": 42}' },
    boolean: true,
  },
  javascript: {
    passing: { value: 'output.length < 20 && vars.lang === "en"', output: 'short', vars: { lang: 'en' } },
    failing: { value: 'output.length < 20 && vars.lang === "en"', output: 'short', vars: { lang: 'fr' } },
    boolean: false,
  },
};

for (const id of metricTypes) testMetric(id, contracts[id]);
