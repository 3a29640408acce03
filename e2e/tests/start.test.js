'use strict';
// A new couple on phones: after registering, the sign-in form already holds
// the email; Today then offers each partner three first steps by role, which
// lead where the work is done and go away once taken.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const {
  assertNoProblems,
  checkPage,
  clickAndWait,
  launchBrowser,
  newPhoneContext,
  pathOf,
  screenshot,
  startApp,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

let app;
let browser;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

test('after registering, the sign-in form holds the email, and nowhere in the address', async () => {
  const context = await newPhoneContext(browser, { baseURL: app.url });
  const page = await context.newPage();
  await page.goto('/register');
  await page.getByLabel('Email address').fill('cleo@example.test');
  await page.getByLabel('Password', { exact: true }).fill('a long walk by the harbour at dawn');
  await page.getByLabel('The same password again').fill('a long walk by the harbour at dawn');
  await clickAndWait(page, page.getByRole('button', { name: 'Create account' }));
  assert.equal(pathOf(page), '/login');
  assert.ok(!page.url().includes('cleo'), `the address holds no email: ${page.url()}`);
  assert.equal(await page.getByLabel('Email address').inputValue(), 'cleo@example.test');
  await checkPage(page);
  await page.reload();
  assert.equal(await page.getByLabel('Email address').inputValue(), '', 'offered once, then forgotten');
  assertNoProblems(context);
  await context.close();
});

test('each partner starts with three steps by role, at 390 px', async () => {
  const couple = await pairCouple(browser, app, {
    hurt: { email: 'dara@example.test', password: 'the lighthouse keeps its lamp lit' },
    involved: { email: 'eli@example.test', password: 'bread rises slowly in the cold' },
  });
  const steps = async (page) =>
    page.locator('.start-steps a.step-title').allTextContents();

  const a = couple.hurt.page;
  await a.goto('/');
  assert.deepEqual(await steps(a), [
    'Check in with how you feel',
    'Ask what you need to know',
    'Ask for one specific thing',
  ]);
  await checkPage(a);
  await screenshot(a, 'start-hurt-390');

  const b = couple.involved.page;
  await b.goto('/');
  assert.deepEqual(await steps(b), [
    'Tell the truth, in your own words',
    'Write your apology',
    'Make your bedrock commitments',
  ]);
  await checkPage(b);
  await screenshot(b, 'start-involved-390');

  await clickAndWait(a, a.getByRole('link', { name: 'Check in with how you feel' }));
  assert.equal(pathOf(a), '/checkin', 'a step leads where it is taken');
  await a.locator('details.family-hurt > summary').click();
  await a.getByRole('checkbox', { name: 'Betrayed', exact: true }).check();
  await a.getByLabel('How strongly you feel Betrayed').selectOption('3');
  await clickAndWait(a, a.getByRole('button', { name: 'Save my check-in' }));
  await a.goto('/');
  assert.deepEqual(await steps(a), ['Ask what you need to know', 'Ask for one specific thing']);
  assert.equal(await a.locator('.start-steps li.done').count(), 1, 'the step taken is marked done');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
