import { describe, expect, it } from 'vitest';
import containsXml, { xmlCandidates } from '../../src/metrics/contains-xml.js';
import isXml from '../../src/metrics/is-xml.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

describe('is-xml', () => {
  it('passes a well-formed document, declaration and comments allowed, surrounding whitespace ignored', async () => {
    expect(await scoreMetric(isXml, undefined, '\n<?xml version="1.0"?>\n<!-- c --><a x="1"><b>t</b></a>\n')).toEqual({
      pass: true,
      reason: 'well-formed XML, root <a>',
    });
  });

  it('fails badly nested tags, several roots and prose, saying why', async () => {
    expect((await scoreMetric(isXml, undefined, '<a><b>1</a>')).reason).toMatch(/^not well-formed XML: Expected closing tag 'b'.*\(line 1, column 8\)$/);
    expect((await scoreMetric(isXml, undefined, '<a/><b/>')).reason).toBe('not an XML document: 2 root elements (a, b); XML has exactly one');
    expect((await scoreMetric(isXml, undefined, 'Here: <a/>')).pass).toBe(false);
    expect(await scoreMetric(isXml, undefined, '  ')).toEqual({ pass: false, reason: 'empty output: not XML' });
  });

  it('checks required element paths in each of the value forms promptfoo accepts', async () => {
    const doc = '<order><id>7</id><items><item><sku>a</sku></item><item><sku>b</sku></item></items></order>';
    for (const value of ['order.id, order.items.item.sku', ['order.id', 'order.items.item.1.sku'], { requiredElements: ['order.items'] }]) {
      expect((await scoreMetric(isXml, value, doc)).pass).toBe(true);
    }
    expect(await scoreMetric(isXml, 'order.id, order.total, order.items.item.2', doc)).toEqual({
      pass: false,
      reason: 'well-formed XML, but missing elements order.total, order.items.item.2',
    });
  });

  it('rejects a value that lists no paths the way it should, and an empty path segment', async () => {
    await expect(prepareMetric(isXml, { elements: ['a'] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(prepareMetric(isXml, 'a..b')).rejects.toThrow('element path `a..b` has an empty segment');
  });
});

describe('contains-xml', () => {
  it('finds a well-formed element inside prose or a fence', async () => {
    const output = 'Sure! ```xml\n<order><id>7</id></order>\n``` Anything else?';
    expect(await scoreMetric(containsXml, 'order.id', output)).toEqual({ pass: true, reason: 'well-formed XML, root <order> with order.id' });
  });

  it('fails when nothing looks like XML, or no candidate checks out', async () => {
    expect(await scoreMetric(containsXml, undefined, 'if a < b and c > d')).toEqual({ pass: false, reason: 'no XML element found in the output' });
    expect((await scoreMetric(containsXml, 'order.total', 'x <order><id>7</id></order> y')).reason).toBe(
      'no XML element that checks out (well-formed XML, but missing element order.total)',
    );
    // Balanced tags, but an unquoted attribute: each candidate is validated, not just matched.
    expect((await scoreMetric(containsXml, undefined, 'x <a id=1></a> y <b id=2/>')).reason).toMatch(
      /^no XML element that checks out \(2 candidates; the first: not well-formed XML: .*\)$/,
    );
  });

  it('takes the outermost balanced elements, in order, and starts over after a stray closing tag', () => {
    expect(xmlCandidates('a <x><y/></x> b <z/> c </q> <w>1</w>')).toEqual(['<x><y/></x>', '<z/>', '<w>1</w>']);
  });
});
