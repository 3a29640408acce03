'use strict';
// Private reflections on phones: the hurt partner writes a reflection from a
// prompt (an empty one is refused), revises it, previews exactly the copy
// that will be shared and shares it; the partner reads the copy. Then a
// trigger note is sent, shows first on the partner's Today, and is answered
// with reassurance.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  appAndBrowser,
  assertNoProblems,
  checkPage,
  clickAndWait,
  pathOf,
  screenshot,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const running = appAndBrowser();

test('a reflection is written, revised, previewed and shared as a copy, and a trigger note is answered, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app);
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await a.goto('/');
  await a.goto('/reflections');
  await checkPage(a);
  await clickAndWait(a, a.getByRole('link', { name: 'A trigger I noticed' }));
  await clickAndWait(a, a.getByRole('button', { name: 'Keep it for me' }));
  assert.ok(
    await a.getByText('Please write something in at least one of the boxes.').isVisible(),
    'an empty reflection is refused',
  );
  await a.getByLabel('The situation').fill('A song in the shop, the one from that summer');
  await a.getByLabel('What I felt').fill('Cold, then angry');
  await a.getByLabel('The defence I noticed in myself').fill('I went quiet and checked his phone in my head');
  await checkPage(a);
  await screenshot(a, 'reflections-write-390');
  await clickAndWait(a, a.getByRole('button', { name: 'Keep it for me' }));
  assert.match(pathOf(a), /^\/reflections\/\d+$/);
  assert.ok(await a.getByRole('heading', { name: 'Version 1' }).isVisible());

  await a.getByLabel('What I felt').fill('Cold, then sad more than angry');
  await a.getByLabel('The coping I chose').fill('I told myself the song is not the story');
  await clickAndWait(a, a.getByRole('button', { name: 'Keep this version' }));
  assert.ok(await a.getByRole('heading', { name: 'Version 2' }).isVisible(), 'a new version');
  assert.ok(await a.getByRole('heading', { name: 'Version 1' }).isVisible(), 'the first kept');
  await checkPage(a);
  await screenshot(a, 'reflections-revised-390');

  await clickAndWait(a, a.getByRole('link', { name: 'Share a copy with my partner' }));
  const preview = a.getByRole('article', { name: 'What will be shared' });
  assert.ok(await preview.getByText('Cold, then sad more than angry').isVisible(), 'the newest version');
  assert.equal(await preview.getByText('Cold, then angry', { exact: true }).count(), 0, 'not the older one');
  await checkPage(a);
  await screenshot(a, 'reflections-preview-390');
  await clickAndWait(a, a.getByRole('button', { name: 'Share this copy' }));
  assert.ok(await a.getByText('a copy shared with your partner').isVisible());

  await b.goto('/reflections');
  assert.ok(await b.getByText('Shared by your partner').isVisible());
  assert.ok(await b.getByText('Cold, then sad more than angry').isVisible());
  assert.equal(await b.getByText('Cold, then angry', { exact: true }).count(), 0, 'an older version stays private');
  await checkPage(b);
  await screenshot(b, 'reflections-copy-390');

  await a.goto('/reflections');
  await a.getByLabel('I was triggered when…').fill('your phone lit up at dinner');
  await clickAndWait(a, a.getByRole('button', { name: 'Send it to my partner' }));
  assert.ok(await a.getByText('Please write something here.').first().isVisible(), 'the feeling is asked for');
  assert.equal(await a.getByLabel('I was triggered when…').inputValue(), 'your phone lit up at dinner', 'what was typed is kept');
  await a.getByLabel('I felt…').fill('scared and small');
  await a.getByLabel('What would help is…').fill('hold my hand for a minute');
  await clickAndWait(a, a.getByRole('button', { name: 'Send it to my partner' }));
  assert.ok(await a.getByText('scared and small').isVisible());

  await b.goto('/');
  const first = b.locator('.to-do li').first();
  assert.ok(await first.getByText('Your partner sent you a trigger note').isVisible(), 'first on Today');
  await checkPage(b);
  await screenshot(b, 'reflections-today-390');
  await clickAndWait(b, first.getByRole('link', { name: 'Answer' }));
  assert.equal(pathOf(b), '/reflections');
  await b.getByLabel('Your reassurance').fill('It was work. I am here, and I will hold your hand.');
  await clickAndWait(b, b.getByRole('button', { name: 'Send reassurance' }));
  await checkPage(b);

  await a.goto('/');
  await a.goto('/reflections');
  assert.ok(await a.getByText('It was work. I am here, and I will hold your hand.').isVisible());
  await checkPage(a);
  await screenshot(a, 'reflections-reassured-390');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
