// Settings > Backup, as a user does it (issue #15): today's automatic backup is listed, a
// backup typed to a path runs with its progress to "integrity checked", the company is exported
// to a folder, a junk file is refused after the confirmation with the reason and nothing
// changed, and restoring the backup brings the shop back as it was and starts the window's
// session again (everyone signs in). STOCKFLOW_E2E_SHOTS=DIR saves a PNG of each screen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { appTest } from './harness.mjs';

/** A command invoked from the page, through the same IPC and permissions as the UI's own. */
async function invoke(app, command, args) {
  const result = await app.session.executeAsync(
    `const [command, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(command, args).then(
       (value) => done({ ok: value }),
       (error) => done({ error: JSON.stringify(error) }),
     );`,
    [command, args],
  );
  if (result.error) throw new Error(`${command} was refused: ${result.error}`);
  return result.ok;
}


async function scrollTo(app, testId) {
  await app.session.execute(
    `document.querySelector('[data-testid="${testId}"]').scrollIntoView({ block: 'start' });`,
  );
}

appTest('backup: back up with progress, export, a refused restore, then a restore that signs everyone in again', async (app) => {
  await app.fill('company-name', 'Harbour Goods', { timeout: 30_000 });
  await app.click('company-create');
  await app.el('nav-settings', { timeout: 15_000 });
  const work = path.join(app.tmp, 'work');
  fs.mkdirSync(work);

  await app.click('nav-settings');
  // The app took today's automatic backup when it started.
  await app.el('backup-row', { timeout: 15_000 });
  await scrollTo(app, 'backup-settings');
  await app.shot('backup-1-settings');

  // Back up now, to a typed path.
  const backupFile = path.join(work, 'monday.db');
  await app.fill('backup-path', backupFile);
  await app.click('backup-start');
  await app.waitForText('backup-result', (t) => t.includes('integrity checked'), { timeout: 30_000 });
  const bar = await app.el('backup-progress');
  assert.equal(await bar.attribute('aria-valuenow'), '100');
  assert.ok(fs.statSync(backupFile).size > 0, 'the backup file is there');
  await app.shot('backup-2-done');

  // Export the company to a folder.
  const exportDir = path.join(work, 'export');
  await scrollTo(app, 'export-settings');
  await app.fill('export-dir', exportDir);
  await app.click('export-start');
  await app.waitForText('export-result', (t) => t.includes('Exported'), { timeout: 30_000 });
  assert.match(fs.readFileSync(path.join(exportDir, 'companies.csv'), 'utf8'), /Harbour Goods/);
  await app.shot('backup-3-export');

  // After the backup, a second company: the restore must take it away again.
  await invoke(app, 'create_company', { input: { name: 'Later Company' } });

  // A junk file: asked for confirmation, then refused with the reason; nothing changed.
  const junk = path.join(work, 'junk.db');
  fs.writeFileSync(junk, 'not a database');
  await scrollTo(app, 'backup-settings');
  await app.fill('restore-path', junk);
  await app.click('restore-start');
  await app.el('restore-confirm');
  await app.shot('backup-4-confirm');
  await app.click('restore-confirm-yes');
  await app.waitForText('restore-error', (t) => t.includes('not a StockFlow database'), { timeout: 15_000 });
  await app.shot('backup-5-refused');
  const names = (await invoke(app, 'list_companies', {})).map((c) => c.name).sort();
  assert.deepEqual(names, ['Harbour Goods', 'Later Company'], 'a refused restore changes nothing');

  // The real backup: confirmed, then the window starts again at sign-in.
  await app.fill('restore-path', backupFile);
  await app.click('restore-start');
  await app.click('restore-confirm-yes');
  await app.el('signin-form', { timeout: 30_000 });
  await app.shot('backup-6-signin-after-restore');
  await app.signIn();
  const after = (await invoke(app, 'list_companies', {})).map((c) => c.name);
  assert.deepEqual(after, ['Harbour Goods'], 'the shop as it was when backed up');
  // The database as it was before the restore is listed, and the device is new for sync.
  await app.click('nav-settings');
  await app.session.waitFor(
    async () =>
      (await app.session.execute(
        `return [...document.querySelectorAll('[data-testid="backup-row"]')].map((r) => r.textContent).join('|');`,
      )).includes('Before a restore'),
    { timeout: 15_000, message: 'the "before a restore" backup in the list' },
  );
  await scrollTo(app, 'backup-settings');
  await app.shot('backup-7-after-restore');
  // The list screens offer their CSV (the file is chosen in the system dialog, not driven here).
  await app.click('nav-products');
  await app.el('export-csv');
  await app.shot('backup-8-products-export-csv');
});
