#!/usr/bin/env node
// The playground's figures, measured in Debian Chromium: time from page load to the first
// result, and from a keystroke to the updated result (evaluated at once while evaluations are
// fast); medians of 5. With --screenshots, also writes www/screenshots/playground-{light,dark,
// narrow}.png and playground-authoring.png (the path bar, a scaffolded mapping, a completion list).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, root, firstResult } from '../tests/playground/harness.mjs';

const server = await serve();
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const loads = [];
  const keys = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => /Evaluated in/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { polling: 'raf' });
    loads.push(await page.evaluate(() => performance.now()));
    // A keystroke in the mapping: the time until the result pane shows the new value.
    await page.click('[data-testid=mapping-editor] .cm-content');
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid=status]');
      window.__updated = new Promise((resolve) => {
        new MutationObserver(() => { if (/Evaluated in/.test(status.textContent)) resolve(performance.now()); })
          .observe(status, { childList: true, subtree: true, characterData: true });
      });
      document.addEventListener('keydown', () => { window.__keydown = performance.now(); }, { once: true, capture: true });
    });
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    const [down, updated] = await page.evaluate(async () => [window.__keydown, await window.__updated]);
    keys.push(updated - down);
    await context.close();
  }
  console.log(`playground (Chromium, median of 5): page load -> first result ${median(loads).toFixed(0)} ms; keystroke -> updated result ${median(keys).toFixed(0)} ms`);

  if (process.argv.includes('--screenshots')) {
    const dir = join(root, 'www', 'screenshots');
    mkdirSync(dir, { recursive: true });
    for (const [name, options] of [['light', { colorScheme: 'light' }], ['dark', { colorScheme: 'dark' }], ['narrow', { colorScheme: 'light', viewport: { width: 390, height: 844 } }]]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
      const page = await context.newPage();
      await page.goto(server.url);
      await firstResult(page);
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(dir, `playground-${name}.png`) });
      await context.close();
    }
    // Authoring: a mapping scaffolded from the blueprint, and the path of a clicked value.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(server.url);
    await firstResult(page);
    await page.click('[data-testid=mapping-editor] .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('[]');
    await page.waitForFunction(() => document.querySelector('[data-testid=result]').textContent.trim() === '[]');
    await page.click('[data-testid=scaffold]');
    await page.waitForFunction(() => /space_lift_stack/.test(document.querySelector('[data-testid=result]').textContent));
    await page.locator('[data-testid=request-editor] .cm-line', { hasText: '"branch": "main"' }).first().locator('span', { hasText: '"main"' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=path]').textContent === '.body.run.branch');
    // A completion list: `.body.st` in the `state` property.
    await page.locator('[data-testid=mapping-editor] .cm-line', { hasText: '"state": ".body.state"' }).first().click();
    await page.keyboard.press('End');
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('t');
    await page.waitForSelector('.cm-tooltip-autocomplete li');
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(dir, 'playground-authoring.png') });
    await context.close();
    console.log(`screenshots in ${dir}`);
  }
} finally {
  await browser.close();
  await server.close();
}
