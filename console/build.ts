import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type StaticPage, staticPage } from '../shared/api-docs/page.ts';

// The console is one HTML document with its script and styles inline: one public route, one request,
// no second Lambda for assets. Its Content-Security-Policy allows exactly that script, by hash. The
// gzip encoding is made here too, so the function only picks one of two strings.

const SRC = join(import.meta.dirname, 'src');

export interface ConsoleBundle extends StaticPage {
  /** The Content-Security-Policy the page is served with. */
  csp: string;
}

const page = (script: string, styles: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Eye console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${styles}</style></head>
<body><div id="app"><p class="loading">Loading the console…</p></div>
<script type="module">${script}</script></body></html>
`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

export const buildConsole = async (): Promise<ConsoleBundle> => {
  const out = await build({
    entryPoints: [join(SRC, 'main.tsx')],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const text = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  const script = text('.js');
  const styles = text('.css');
  // An inline script ends at the first `</script`, wherever it appears.
  if (/<\/script/i.test(script) || /<\/style/i.test(styles))
    throw new Error('console bundle closes its own tag');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(script)}'`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    // The API on the same origin, and the presigned S3 URL of a dataset upload, wherever the bucket is.
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { ...staticPage(page(script, styles)), csp };
};
