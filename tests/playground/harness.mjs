// A static server for www/public on 127.0.0.1 (a free port, stopped by the caller) and Debian
// Chromium driven by playwright-core, as the project's browser tests run them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export { serve } from '../../scripts/serve.mjs';
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Debian's Chromium, headless, with the flags this machine needs; playwright starts it with a
 * fresh temporary profile (its own --user-data-dir) every time. */
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The example files of the repository. */
export function example(name, file) {
  return readFileSync(join(root, 'examples', name, file), 'utf8');
}

/** Replace an editor's text the way a person does: click, select all, type. */
export async function typeInto(page, testid, text, { paste = false } = {}) {
  await page.click(`[data-testid=${testid}] .cm-content`);
  await page.keyboard.press('Control+A');
  if (paste) await page.keyboard.insertText(text);
  else await page.keyboard.type(text);
}

/** Wait until the result pane has been updated after `action` (its text changes). */
export async function resultAfter(page, action) {
  const before = await page.textContent('[data-testid=result]');
  const statusBefore = await page.textContent('[data-testid=status]');
  await action();
  await page.waitForFunction(([r, s]) => {
    const result = document.querySelector('[data-testid=result]').textContent;
    const status = document.querySelector('[data-testid=status]').textContent;
    // Results follow every keystroke: wait for the one of the editors' final texts.
    return (result !== r || status !== s) && !status.startsWith('Evaluating') && globalThis.HookmapBridge.settled();
  }, [before, statusBefore]);
  return page.textContent('[data-testid=result]');
}

/** Wait for the first evaluation after a page load. */
export async function firstResult(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=status]');
    return s && /Evaluated in|Stopped|failed/.test(s.textContent);
  });
}
