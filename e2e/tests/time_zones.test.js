'use strict';
// Two partners a day apart. One registers on Kiritimati (UTC+14), the other on
// Pago Pago (UTC−11): their calendars are never on the same date, so with the
// real clock each sees their own "today". A contact typed on the reporter's
// own wall clock shows the delay from that moment, not from the same digits
// read as UTC.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const {
  assertNoProblems,
  checkPage,
  clickAndWait,
  launchBrowser,
  screenshot,
  startApp,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const KIRITIMATI = 'Pacific/Kiritimati';
const PAGO_PAGO = 'Pacific/Pago_Pago';

let app;
let browser;
let couple;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  couple = await pairCouple(browser, app, {
    hurt: { email: 'kiri@example.test', password: 'the first light reaches us', timeZone: KIRITIMATI },
    involved: { email: 'pago@example.test', password: 'the last light leaves here', timeZone: PAGO_PAGO },
  });
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

/** The parts of a moment on the wall clocks of `timeZone`. */
function wallClock(timeZone, at) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  return Object.fromEntries(parts.map((part) => [part.type, part.value]));
}

/** "30 November 2026": the calendar day in `timeZone` at `at`. */
function dayIn(timeZone, at) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}

/** The date the Today page shows, and the days it may be in `timeZone` around the visit. */
async function todayOf(page, timeZone) {
  const before = dayIn(timeZone, new Date());
  await page.goto('/');
  const shown = (await page.locator('.today-date').textContent()).trim();
  const after = dayIn(timeZone, new Date());
  return { shown, possible: [before, after] };
}

test('each partner sees their own today, a day apart', async () => {
  const hurt = await todayOf(couple.hurt.page, KIRITIMATI);
  const involved = await todayOf(couple.involved.page, PAGO_PAGO);
  assert.ok(hurt.possible.includes(hurt.shown), `Kiritimati's today: ${hurt.shown}, expected ${hurt.possible}`);
  assert.ok(
    involved.possible.includes(involved.shown),
    `Pago Pago's today: ${involved.shown}, expected ${involved.possible}`,
  );
  assert.notEqual(hurt.shown, involved.shown, 'the two are never on the same date');
  await checkPage(couple.hurt.page);
  await screenshot(couple.hurt.page, 'time-zones-today-kiritimati');

  await couple.hurt.page.goto('/account');
  assert.equal(await couple.hurt.page.getByLabel('Dates, times and "today" read in').inputValue(), KIRITIMATI);
  await checkPage(couple.hurt.page);
});

test('a contact typed on the reporter\'s own clock shows the delay from that moment', async () => {
  const b = couple.involved.page;
  await b.goto('/contact');
  assert.ok(await b.getByText(`Your own time, in ${PAGO_PAGO}.`).isVisible());
  // Two hours ago on Pago Pago's clocks. Read as UTC, the same digits would
  // be eleven hours later: nine hours in the future.
  const clock = wallClock(PAGO_PAGO, new Date(Date.now() - 2 * 3600 * 1000));
  const typed = `${clock.year}-${clock.month}-${clock.day}T${clock.hour}:${clock.minute}`;
  await b.getByLabel('When it happened').fill(typed);
  await b.getByLabel('How it came').selectOption('text_message');
  await b.getByLabel('What was said').fill('She wrote to ask whether I was free this weekend.');
  await b.getByLabel('How you responded').fill('I did not answer, and I blocked the number.');
  await clickAndWait(b, b.getByRole('button', { name: 'Send the report' }));
  assert.match(new URL(b.url()).pathname, /^\/contact$/, 'the report is sent');
  await checkPage(b);

  const a = couple.hurt.page;
  await a.goto('/contact');
  const delay = (await a.locator('.delay').first().textContent()).trim();
  assert.match(delay, /^Reported 2 hours after the contact, by your partner, on /);
  await checkPage(a);
  await screenshot(a, 'time-zones-contact-kiritimati');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
