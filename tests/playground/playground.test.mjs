// The playground end to end, in Debian Chromium: what a person sees and does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, example, typeInto, resultAfter, firstResult } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page (its own storage), recording every request and dialog. */
async function open(url = server.url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests = [];
  const dialogs = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await firstResult(page);
  return { page, context, requests, dialogs, errors };
}

const entities = async (page) => JSON.parse(await page.textContent('[data-testid=result]'));

test('the default example shows the Spacelift entity', async () => {
  const { page, context, errors } = await open();
  assert.deepEqual(await entities(page), JSON.parse(example('spacelift', 'expected.json')));
  assert.match(await page.textContent('[data-testid=diagnostics]'), /No diagnostics/);
  assert.match(await page.textContent('[data-testid=blueprint-validation]'), /satisfies the blueprint/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('typing a new mapping updates the result', async () => {
  const { page, context } = await open();
  const mapping = '[{"blueprint": "stack", "entity": {"identifier": ".body.stack.id", "properties": {"vcs": ".body.stack.vcs | ascii_downcase"}}}]';
  const text = await resultAfter(page, () => typeInto(page, 'mapping-editor', mapping));
  assert.deepEqual(JSON.parse(text), [{ operation: 'create', blueprint: 'stack', identifier: 'ai-agent', properties: { vcs: 'github' }, relations: {} }]);
  await context.close();
});

test('the per-field view tells a null value from a key left out', async () => {
  const { page, context } = await open();
  // `.body.run.brnch` (a typo) reads a missing key: Port stores null. `empty` has no output:
  // Port leaves the key out.
  const mapping = '[{"blueprint": "stack", "entity": {"identifier": ".body.stack.id", "properties": {"branch": ".body.run.brnch", "gone": "empty"}}}]';
  const text = await resultAfter(page, () => typeInto(page, 'mapping-editor', mapping, { paste: true }));
  assert.deepEqual(JSON.parse(text)[0].properties, { branch: null });
  const rows = await page.$$eval('[data-testid=fields] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const row = (field) => rows.find((r) => r[0].startsWith(field));
  assert.equal(row('entity.properties.branch')[2], 'null');
  assert.match(row('entity.properties.gone')[2], /no output: the key is left out/);
  await context.close();
});

test('a syntax error is underlined and explained', async () => {
  const { page, context } = await open();
  await resultAfter(page, () => typeInto(page, 'mapping-editor', '[{"blueprint": "b", "entity": {"identifier": ".body.stack.id |"}}]', { paste: true }));
  const diagnostics = await page.textContent('[data-testid=diagnostics]');
  assert.match(diagnostics, /mappings\[0\]\.entity\.identifier/);
  assert.match(diagnostics, /expected term/);
  // Port's engine does not compile it and stores null (a warning, underlined at its span: the
  // end of the expression, where the term is missing); a null identifier drops the entity (an
  // error on the whole expression, so CodeMirror shows the overlap as an error, split at the
  // warning's range).
  await page.waitForSelector('[data-testid=mapping-editor] .cm-lintRange-error');
  const underlined = await page.$$eval('[data-testid=mapping-editor] .cm-lintRange', (els) => els.map((el) => el.textContent));
  assert.deepEqual(underlined, ['".body.stack.id |', '"']);
  assert.match(diagnostics, /jq-compile/);
  assert.match(diagnostics, /identifier-missing/);
  // Clicking the diagnostic selects its place in the editor.
  await page.click('[data-testid=diagnostics] button');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-testid]')?.dataset.testid), 'mapping-editor');
  await context.close();
});

test('an endless program is stopped and the page still answers', async () => {
  const { page, context } = await open();
  for (const program of ['def f: f; f', '[range(1e9)] | length']) {
    await typeInto(page, 'mapping-editor', JSON.stringify([{ blueprint: 'b', entity: { identifier: program } }]), { paste: true });
    // The engine's own deadline answers with a diagnostic naming the limit; the 2 s watchdog
    // (which replaces the worker) is the backstop for work the engine can't interrupt.
    await page.waitForFunction(() => /Stopped after 2 s|worker failed/.test(document.querySelector('[data-testid=status]').textContent)
      || /time limit|size limit/.test(document.querySelector('[data-testid=diagnostics]').textContent), null, { timeout: 15000 });
    // The page is responsive while and after the worker is stopped.
    assert.equal(await page.evaluate(() => 1 + 1), 2);
  }
  const text = await resultAfter(page, () => typeInto(page, 'mapping-editor', '[{"blueprint": "b", "entity": {"identifier": "\\"ok\\""}}]', { paste: true }));
  assert.equal(JSON.parse(text)[0].identifier, 'ok');
  await context.close();
});

test('the watchdog stops an evaluation the engine does not answer in time, and a fresh worker takes over', async () => {
  // A watchdog of 150 ms fires before the engine's own 500 ms deadline can answer.
  const { page, context } = await open(`${server.url}?watchdog=150`);
  await typeInto(page, 'mapping-editor', JSON.stringify([{ blueprint: 'b', entity: { identifier: 'def f: f; f' } }]), { paste: true });
  await page.waitForFunction(() => /Stopped after 0.15 s/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  const text = await resultAfter(page, () => typeInto(page, 'mapping-editor', '[{"blueprint": "b", "entity": {"identifier": "\\"after\\""}}]', { paste: true }));
  assert.equal(JSON.parse(text)[0].identifier, 'after');
  await context.close();
});

test('a share link restores the state in a new page', async () => {
  const { page, context } = await open();
  const mapping = '[{"blueprint": "shared", "entity": {"identifier": ".body.run.id"}}]';
  await resultAfter(page, () => typeInto(page, 'mapping-editor', mapping, { paste: true }));
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const link = page.url();
  const other = await open(link);
  await other.page.waitForFunction((m) => document.querySelector('[data-testid=mapping-editor] .cm-content').textContent === m, mapping);
  await other.page.waitForFunction(() => document.querySelector('[data-testid=result]').textContent.includes('"shared"'));
  assert.equal((await entities(other.page))[0].identifier, '01JSPXRQR2F3Y06HD85YYXRSZ7');
  await other.context.close();
  await context.close();
});

test('a blueprint violation is shown with its field', async () => {
  const { page, context } = await open();
  const blueprint = JSON.parse(example('spacelift', 'blueprint.json'));
  blueprint.schema.properties.link = { type: 'number', title: 'Link' };
  await resultAfter(page, () => typeInto(page, 'blueprint-editor', JSON.stringify(blueprint), { paste: true }));
  const shown = await page.textContent('[data-testid=blueprint-validation]');
  assert.match(shown, /mappings\[0\]\.entity\.properties\.link/);
  assert.match(shown, /expected a number, found a string/);
  assert.deepEqual(await entities(page), [], 'Port would refuse the entity');
  await context.close();
});

test('an error message with HTML is shown as text', async () => {
  const { page, context, dialogs } = await open();
  const payload = '<img src=x onerror=alert(1)>';
  await resultAfter(page, () => typeInto(page, 'mapping-editor', JSON.stringify([{ blueprint: 'b', entity: { identifier: '"x"', properties: { p: `error("${payload}")` } } }]), { paste: true }));
  assert.ok((await page.textContent('[data-testid=diagnostics]')).includes(payload));
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0, 'no element was created from the message');
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  await context.close();
});

test('no request leaves the page except for its own assets', async () => {
  const { page, context, requests } = await open();
  await page.selectOption('[data-testid=examples]', '3');
  await page.waitForFunction(() => document.querySelector('[data-testid=result]').textContent.includes('githubPullRequest'));
  const origin = new URL(server.url).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.ok(requests.some((u) => u.endsWith('hookmap_bg.wasm')), 'the engine module was loaded from the page origin');
  await context.close();
});
