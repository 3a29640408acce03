'use strict';
// Withdrawing an entry, on two phones: the involved partner withdraws a
// disclosure sent by mistake after a calm question, and both partners see a
// tombstone where it stood ("Withdrawn by its author on …"), never its words.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { assertNoProblems, checkPage, clickAndWait, headingOf, launchBrowser, pathOf, startApp } = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

let app;
let browser;
let hurt;
let involved;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  ({ hurt, involved } = await pairCouple(browser, app));
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

const SENT_BY_MISTAKE = 'This was meant for my sister, not for the log. Please ignore it.';

/** A day as the app writes it: "14 March 2026", in UTC like the server. */
function today() {
  return new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

test('a withdrawn disclosure leaves a tombstone that both partners see, and not its words', async () => {
  const b = involved.page;
  await b.goto('/truth');
  const details = b.locator('details.new-entry').filter({ has: b.getByText('Tell something', { exact: true }) });
  await details.getByText('Tell something', { exact: true }).click();
  await b.getByLabel('What you want to tell').fill(SENT_BY_MISTAKE);
  await clickAndWait(b, b.getByRole('button', { name: 'Add to the log' }));
  const entry = b.getByRole('listitem').filter({ hasText: SENT_BY_MISTAKE });
  assert.equal(await entry.count(), 1, 'the disclosure is in the log');
  await checkPage(b);

  await clickAndWait(b, entry.getByRole('link', { name: 'Withdraw this entry' }));
  assert.equal(await headingOf(b), 'Withdraw this entry?');
  assert.ok(
    await b.getByText('Your partner will see that you withdrew something on this date, not what it said.').isVisible(),
    'the question says what the partner will see',
  );
  await checkPage(b);
  await clickAndWait(b, b.getByRole('button', { name: 'Withdraw it' }));
  assert.equal(pathOf(b), '/truth', 'withdrawing leads back to the log');
  const tombstone = `Withdrawn by its author on ${today()}`;
  assert.ok(await b.getByText(tombstone).isVisible(), 'its author sees the tombstone');
  assert.equal(await b.getByText(SENT_BY_MISTAKE).count(), 0, 'and not the words');
  await checkPage(b);

  const a = hurt.page;
  await a.goto('/truth');
  assert.ok(await a.getByText(tombstone).isVisible(), 'the partner sees the tombstone');
  assert.equal(await a.getByText(SENT_BY_MISTAKE).count(), 0, 'and nothing of what it said');
  assert.equal(await a.getByRole('link', { name: 'Withdraw this entry' }).count(), 0, 'nothing of theirs to withdraw');
  assert.equal(a.viewportSize().width, 390, 'on a phone');
  await checkPage(a);

  assertNoProblems(hurt.context);
  assertNoProblems(involved.context);
});
