/**
 * Shared helper for real-Chromium tests: launches the Debian chromium through playwright-core
 * with flags suitable for a headless CI box (autoplay allowed, no GPU, no background traffic),
 * collects console errors per page, and saves screenshots under test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

export interface LaunchChromiumOptions extends LaunchOptions {
  /** Keep the default autoplay policy (a gesture is needed before audio plays). */
  requireUserGesture?: boolean;
}

export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<Browser> {
  const { requireUserGesture, args = [], ...rest } = opts;
  const base = requireUserGesture ? CHROMIUM_ARGS.filter((a) => !a.startsWith('--autoplay-policy')) : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, ...rest, args: [...base, ...args] });
}

export interface ConsoleLog {
  /** console.error messages, uncaught page errors and failed requests. */
  errors: string[];
  /** Everything logged (type: text), for diagnostics. */
  all: string[];
}

/** Fails, listing the messages themselves, when any of the pages logged an error. */
export function expectNoConsoleErrors(...logs: readonly ConsoleLog[]): void {
  const errors = logs.flatMap((log) => log.errors);
  expect(errors, `console errors:\n${errors.join('\n')}`).toEqual([]);
}

/** Start recording console output and page errors of a page. */
export function watchConsole(page: Page): ConsoleLog {
  const log: ConsoleLog = { errors: [], all: [] };
  page.on('console', (msg) => {
    log.all.push(`${msg.type()}: ${msg.text()}`);
    if (msg.type() === 'error') log.errors.push(msg.text());
  });
  page.on('pageerror', (err) => log.errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    // Navigations/aborts we cause ourselves are not page errors.
    const failure = req.failure()?.errorText ?? '';
    if (failure.includes('ERR_ABORTED')) return;
    log.errors.push(`requestfailed: ${req.url()} ${failure}`);
  });
  return log;
}

/** A page in a fresh context, with its console watched. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 720 },
): Promise<{ context: BrowserContext; page: Page; console: ConsoleLog }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const console = watchConsole(page);
  await page.goto(url);
  return { context, page, console };
}

/** Save a PNG (transparent where the page is) under test-artifacts/, or at an absolute path; returns the path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = name.endsWith('.png') ? name : `${name}.png`;
  const path = isAbsolute(file) ? file : join(ARTIFACTS_DIR, file);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, omitBackground: true });
  return path;
}
