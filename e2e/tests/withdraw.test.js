'use strict';
// Withdrawing an entry, on two phones: the involved partner withdraws a
// disclosure sent by mistake after a calm question, and both partners see a
// tombstone where it stood ("Withdrawn by its author on …"), never its words.
// A kept check-in is deleted by its author the same way, and leaves nothing.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { assertNoProblems, checkPage, clickAndWait, headingOf, launchBrowser, pathOf, screenshot, startApp } = require('../lib/app.js');
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
  await screenshot(b, 'withdraw-confirm-390');
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
  await screenshot(a, 'withdraw-tombstone-partner-390');

  assertNoProblems(hurt.context);
  assertNoProblems(involved.context);
});

test('a kept check-in is deleted by its author and leaves nothing behind', async () => {
  const a = hurt.page;
  const note = 'Kept for me: a wave of anger at the supermarket.';
  await a.goto('/checkin');
  await a.locator('details.family > summary').filter({ hasText: /^\s*Sad\b/ }).click();
  await a.getByRole('checkbox', { name: 'Weary', exact: true }).check();
  await a.getByLabel('How strongly you feel Weary').selectOption('3');
  await a.getByLabel('A few words, if you want').fill(note);
  await a.getByRole('radio', { name: 'Only me' }).check();
  await clickAndWait(a, a.getByRole('button', { name: 'Save my check-in' }));
  const kept = a.locator('article.checkin').filter({ hasText: note });
  assert.equal(await kept.count(), 1, 'the kept check-in is listed for its author');
  await clickAndWait(a, kept.getByRole('link', { name: 'Delete this check-in' }));
  assert.equal(await headingOf(a), 'Delete this entry?');
  await checkPage(a);
  await clickAndWait(a, a.getByRole('button', { name: 'Delete it' }));
  assert.equal(pathOf(a), '/checkin', 'deleting leads back to the check-ins');
  assert.equal(await a.getByText(note).count(), 0, 'it is gone');
  assert.equal(await a.getByText('Withdrawn by its author').count(), 0, 'and leaves no tombstone');
  await checkPage(a);
  assertNoProblems(hurt.context);
});
