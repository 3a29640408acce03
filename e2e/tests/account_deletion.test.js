'use strict';
// "Delete my account" on a phone: from the account page to a calm page that
// says what happens; a wrong password keeps the typed confirmation, the
// right one deletes the account and signs out; the partner then finds the
// shared space closed, readable, with nothing to add.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { appAndBrowser, checkPage, clickAndWait, pathOf, screenshot } = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const running = appAndBrowser();

test('a partner deletes their account and the other finds the space closed, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app);
  const leaving = couple.involved.page;

  await leaving.goto('/account');
  await clickAndWait(leaving, leaving.getByRole('link', { name: 'Delete my account…' }));
  assert.equal(pathOf(leaving), '/account/delete');
  assert.ok(await leaving.getByText('Your shared space ends.').isVisible(), 'what happens to the space');
  await checkPage(leaving);
  await screenshot(leaving, 'account-delete-390');

  await leaving.getByLabel('Your password').fill('not my password');
  await leaving.getByLabel('Type “delete my account”').fill('delete my account');
  await clickAndWait(leaving, leaving.getByRole('button', { name: 'Delete my account' }));
  const said = await leaving.locator('main').innerText();
  assert.ok(said.includes('That is not your password'), said.slice(0, 600));
  assert.equal(await leaving.getByLabel('Type “delete my account”').inputValue(), 'delete my account');
  await checkPage(leaving);

  await leaving.getByLabel('Your password').fill(couple.involved.password);
  await clickAndWait(leaving, leaving.getByRole('button', { name: 'Delete my account' }));
  assert.equal(pathOf(leaving), '/account/deleted');
  await checkPage(leaving);
  await leaving.goto('/account');
  assert.equal(pathOf(leaving), '/login', 'signed out');

  const staying = couple.hurt.page;
  await staying.goto('/');
  assert.ok(await staying.getByText('This shared space was closed on').isVisible(), 'the closed notice');
  await checkPage(staying);
  await screenshot(staying, 'account-deleted-partner-390');
});
