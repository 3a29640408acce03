'use strict';
// "Take your story with you" on a phone: from the account page to the export
// page, which warns that a downloaded copy is not protected; a wrong password
// shows the form again with the passphrase kept, the right one downloads a
// zip with a neutral name.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { appAndBrowser, assertNoProblems, checkPage, clickAndWait, pathOf, screenshot } = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const running = appAndBrowser();

test('a partner downloads their export after typing their password again, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app);
  const a = couple.hurt.page;

  await a.goto('/account');
  await clickAndWait(a, a.getByRole('link', { name: 'Download my export' }));
  assert.equal(pathOf(a), '/account/export');
  assert.ok(await a.getByText('this copy is not protected by Kintsugi').isVisible(), 'the warning');
  await checkPage(a);
  await screenshot(a, 'export-390');

  await a.getByLabel('Your password').fill('not my password');
  await a.getByLabel('A passphrase for the file (optional)').fill('salt and gold');
  await a.getByLabel('The same passphrase again').fill('salt and gold');
  await clickAndWait(a, a.getByRole('button', { name: 'Download my export' }));
  assert.ok(await a.getByText('That is not your password').isVisible(), 'the error is named');
  assert.equal(await a.getByLabel('Your password').inputValue(), '', 'the password is never kept');
  assert.equal(
    await a.getByLabel('A passphrase for the file (optional)').inputValue(),
    'salt and gold',
    'the passphrase is kept',
  );
  await checkPage(a);

  await a.getByLabel('Your password').fill(couple.hurt.password);
  const downloaded = a.waitForEvent('download');
  await a.getByRole('button', { name: 'Download my export' }).click();
  const download = await downloaded;
  assert.match(download.suggestedFilename(), /^kintsugi-export-\d{4}-\d{2}-\d{2}\.zip$/, 'a neutral name');
  assert.equal(await download.failure(), null, 'the download completes');

  assertNoProblems(couple.hurt.context);
});
