'use strict';
// Talks on phones (390 px): a request answered with space, the space ended
// early by the partner who asked for it, then a new request answered with a
// time the asker picks, each reading it in their own zone; and the hurt
// partner's quiet period, seen from both sides.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { assertNoProblems, checkPage, clickAndWait, launchBrowser, pathOf, screenshot, startApp } = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

let app;
let browser;
let hurt;
let involved;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  ({ hurt, involved } = await pairCouple(browser, app, {
    hurt: { email: 'fay@example.test', password: 'the lighthouse keeps its lamp lit', timeZone: 'America/New_York' },
    involved: { email: 'gus@example.test', password: 'bread rises slowly in the cold', timeZone: 'Europe/Berlin' },
  }));
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

const TOPIC = 'The weekend at the lake house, and what you said there';

/** Asks for a talk of `kind` as `page`; returns the request's card. */
async function askForTalk(page, kind, topic) {
  await page.goto('/talk');
  await page.getByLabel('What it is about').selectOption({ label: kind });
  await page.getByLabel('In your own words').fill(topic);
  await page.getByLabel('Soon, it weighs on me').check();
  await clickAndWait(page, page.getByRole('button', { name: 'Ask for a talk' }));
  const hash = new URL(page.url()).hash;
  assert.match(hash, /^#talk-\d+$/, `asking leads to the request (at ${page.url()})`);
  return hash;
}

// Pages are opened at /talk, never /talk#talk-N: from one request's address
// to another's, a browser only scrolls and does not load the page again.

/** A wall-clock time two days on, 19:00, as a datetime-local field takes it. */
function eveningInTwoDays() {
  const day = new Date(Date.now() + 2 * 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T19:00`;
}

test('a talk answered with space, then at a time the asker picks', async () => {
  const a = hurt.page;
  const b = involved.page;
  const first = await askForTalk(a, 'Our future', TOPIC);
  await checkPage(a);
  await screenshot(a, 'talk-asked-390');

  await b.goto('/');
  assert.ok(await b.getByText('Your partner asked for a talk').isVisible(), 'Today names a talk that waits');
  assert.equal(await b.getByText(TOPIC).count(), 0, 'Today never shows the topic');
  await b.goto('/talk');
  const card = b.locator(first);
  await card.getByLabel('I need space').check();
  await card.getByLabel('For how many days').selectOption('2');
  await card.getByLabel('A sentence for your partner').fill('I want to answer this well; give me two days.');
  await checkPage(b);
  await screenshot(b, 'talk-answering-390');
  await clickAndWait(b, card.getByRole('button', { name: 'Send my answer' }));

  await a.goto('/talk');
  assert.ok(await a.getByText(/Your partner asked for space, until/).isVisible(), 'the asker sees when space ends');
  assert.ok(await a.getByText(/Our future: your partner asked for space until/).isVisible());
  await checkPage(a);
  await screenshot(a, 'talk-space-asker-390');

  await b.goto('/talk');
  await clickAndWait(b, b.locator(first).getByRole('button', { name: 'End my space now' }));

  const second = await askForTalk(a, 'Our future', TOPIC);
  await b.goto('/talk');
  const answer = b.locator(second);
  await answer.getByLabel('At a time: I propose up to three').check();
  await answer.getByLabel('Time 1').fill(eveningInTwoDays());
  await clickAndWait(b, answer.getByRole('button', { name: 'Send my answer' }));
  assert.ok(await b.getByText('You proposed times; your partner picks one.').isVisible());

  await a.goto('/');
  assert.ok(await a.getByText('Your partner proposed times for a talk').isVisible());
  await clickAndWait(a, a.getByRole('link', { name: 'Pick a time' }));
  assert.equal(pathOf(a), '/talk');
  const pick = a.locator(second);
  // 19:00 in Berlin reads as 13:00 in New York.
  assert.ok(await pick.getByText(/13:00 E[SD]T/).isVisible(), 'the time reads in the asker\'s own zone');
  await checkPage(a);
  await screenshot(a, 'talk-pick-390');
  await clickAndWait(a, pick.getByRole('button', { name: 'Pick this time' }));
  assert.ok(await a.locator(second).getByText(/^Agreed: .*13:00 E[SD]T\.$/).isVisible());
  await b.goto('/talk');
  assert.ok(await b.locator(second).getByText(/^Agreed: .*19:00 CES?T\.$/).isVisible(), 'and in the answerer\'s');
  await checkPage(b);
  await screenshot(b, 'talk-agreed-390');
  assertNoProblems(hurt.context);
  assertNoProblems(involved.context);
});

test('a quiet period seen from both sides', async () => {
  const a = hurt.page;
  const b = involved.page;
  await a.goto('/talk');
  await a.getByLabel('For how many days').selectOption('5');
  await clickAndWait(a, a.getByRole('button', { name: 'Start a quiet period' }));
  assert.ok(await a.getByText(/Your quiet period is on until/).isVisible());
  await checkPage(a);
  await screenshot(a, 'talk-quiet-hurt-390');

  await b.goto('/');
  assert.ok(await b.getByText('Your partner has a quiet period').isVisible(), 'Today says it is on');
  await b.goto('/talk');
  assert.ok(await b.getByText(/Your partner has a quiet period until/).isVisible());
  assert.equal(await b.getByRole('button', { name: 'Ask for a talk' }).count(), 0, 'no new request reaches them');
  await b.getByLabel('A short note for when it ends').fill('I am here whenever you are ready.');
  await checkPage(b);
  await screenshot(b, 'talk-quiet-involved-390');
  await clickAndWait(b, b.getByRole('button', { name: 'Leave the note' }));
  assert.ok(await b.getByText('You left a note; your partner reads it when the quiet period ends.').isVisible());

  await a.goto('/talk');
  assert.equal(await a.getByText('I am here whenever you are ready.').count(), 0, 'not while it is on');
  await clickAndWait(a, a.getByRole('button', { name: 'End my quiet period now' }));
  assert.ok(await a.getByText('I am here whenever you are ready.').isVisible(), 'the note once it ended');
  await checkPage(a);
  await screenshot(a, 'talk-quiet-ended-390');
  assertNoProblems(hurt.context);
  assertNoProblems(involved.context);
});
