/**
 * Debian's chromium driven by playwright-core, for the HTML report's browser test and benchmark. playwright-core
 * never downloads a browser; .ci/run installs the Debian package.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function haveChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches chromium headless with a fresh temporary profile (playwright's default for `launch`). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
