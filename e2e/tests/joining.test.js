'use strict';
// Leaving at once, and coming in with care: quick exit ends the session so
// that Back shows none of the couple's content; the invited partner sees
// what was recorded before deciding, declines once and, after a new link,
// joins once.

const assert = require('node:assert/strict');
const http = require('node:http');
const { after, before, test } = require('node:test');
const {
  checkPage,
  clickAndWait,
  headingOf,
  launchBrowser,
  newPhoneContext,
  pathOf,
  problemsOf,
  register,
  screenshot,
  startApp,
} = require('../lib/app.js');

// Quick exit leads to this neutral page, served here so that the browser
// never reaches the network.
let elsewhere;
let ELSEWHERE;

let app;
let browser;

before(async () => {
  elsewhere = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>Weather</title><h1>Weather</h1>');
  });
  await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  ELSEWHERE = `http://127.0.0.1:${elsewhere.address().port}/`;
  app = await startApp({ env: { KINTSUGI_QUICK_EXIT_URL: ELSEWHERE } });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
  if (elsewhere) elsewhere.close();
});

function phone() {
  return newPhoneContext(browser, { baseURL: app.url });
}

/** The context saw no problem but its visits to the quick exit's page. */
function assertNoProblemsBut(context, expected) {
  const problems = problemsOf(context).filter((problem) => !problem.includes(ELSEWHERE));
  assert.deepEqual(problems, [], 'the browser saw problems');
  assert.equal(problemsOf(context).length > 0, expected, 'the quick exit was followed');
}

/** Signs up, creates a space as the hurt partner with `note`, on /space. */
async function createSpace(page, email, note) {
  await register(page, email, 'the kettle sings at seven');
  await page.goto('/space/new');
  await page.getByLabel('An emotional affair').check();
  await page.getByLabel('I was hurt: I am the hurt partner').check();
  await page.getByLabel('A few words, if you want').fill(note);
  await page.getByLabel('I have read the safety note').check();
  await clickAndWait(page, page.getByRole('button', { name: 'Create our space' }));
  assert.equal(pathOf(page), '/space', `the space is created (the page says "${await headingOf(page)}")`);
}

async function newLink(page) {
  await page.goto('/space');
  await clickAndWait(page, page.getByRole('button', { name: 'Make an invitation link' }));
  return (await page.locator('.invite-link code').textContent()).trim();
}

test('quick exit, then Back, shows none of the couple\'s content', async () => {
  const context = await phone();
  const page = await context.newPage();
  const note = 'What we never said aloud 7731';
  await createSpace(page, 'robin@example.test', note);
  assert.ok(await page.getByText(note).isVisible(), 'the space shows the note');

  await clickAndWait(page, page.getByRole('link', { name: 'Quick exit' }));
  assert.equal(page.url(), ELSEWHERE, 'quick exit leaves for the configured page');

  await page.goBack();
  await page.waitForLoadState('load');
  assert.equal(pathOf(page), '/login', 'Back finds only the sign-in page');
  assert.equal(await page.getByText(note).count(), 0, 'none of the couple\'s content');
  assert.ok(!(await page.content()).includes(note));
  await checkPage(page);
  await screenshot(page, 'quick-exit-back');

  await page.goto('/space');
  assert.equal(pathOf(page), '/login', 'the session is over, not just hidden');
  assertNoProblemsBut(context, true);
});

test('the invited partner declines once and, after a new link, joins once', async () => {
  const inviterContext = await phone();
  const a = await inviterContext.newPage();
  const note = 'Since the spring 4412';
  await createSpace(a, 'quinn@example.test', note);
  const firstLink = await newLink(a);

  // ---- the invited partner: signed out, the link shows nothing of the space ----
  const partnerContext = await phone();
  const b = await partnerContext.newPage();
  await b.goto(firstLink);
  assert.equal(await headingOf(b), 'You have been invited');
  assert.equal(await b.getByText(note).count(), 0, 'the link alone reveals nothing');
  await checkPage(b);

  await clickAndWait(b, b.getByRole('link', { name: 'Create an account' }));
  await register(b, 'alex@example.test', 'a long walk by the canal');
  assert.equal(b.url(), firstLink, 'after signing in, back to the invitation');
  assert.equal(await headingOf(b), 'Before you join');
  assert.ok(await b.getByText('National Domestic Abuse Helpline').isVisible(), 'the safety screen');
  assert.ok(await b.getByText(note).isVisible(), 'what was recorded');
  assert.ok(await b.getByText('Here you would be the involved partner').isVisible(), 'their role');
  await checkPage(b);
  await screenshot(b, 'join-page');

  await clickAndWait(b, b.getByRole('button', { name: 'Decline the invitation' }));
  assert.equal(await headingOf(b), 'You declined the invitation');
  await checkPage(b);
  const reopened = await b.goto(firstLink);
  assert.equal(reopened.status(), 410, 'the declined link works no more');

  await a.goto('/space');
  assert.ok(await a.getByText('Your partner declined the invitation on').isVisible());
  await checkPage(a);
  await screenshot(a, 'space-invitation-declined');

  // ---- a new link; this time they join, ticking for themselves ----
  const secondLink = await newLink(a);
  await b.goto(secondLink);
  assert.equal(await headingOf(b), 'Before you join');
  const unticked = await clickAndWait(b, b.getByRole('button', { name: 'Join our space' }));
  assert.equal(unticked.status(), 422, 'the creator\'s tick does not stand for them');
  assert.ok(await b.locator('#feel_safe-error').isVisible());
  await b.getByLabel('I have read the safety note, and I feel safe').check();
  await clickAndWait(b, b.getByRole('button', { name: 'Join our space' }));
  assert.equal(pathOf(b), '/space', `joined (the page says "${await headingOf(b)}")`);
  assert.ok(await b.getByText('Both of you have joined.').isVisible());
  assert.ok(await b.getByText(note).isVisible());
  await checkPage(b);

  const usedAgain = await b.goto(secondLink);
  assert.equal(usedAgain.status(), 410, 'the link worked once');
  await a.goto('/space');
  assert.ok(await a.getByText('Both of you have joined.').isVisible());
  for (const context of [inviterContext, partnerContext]) {
    assertNoProblemsBut(context, false);
  }
});
