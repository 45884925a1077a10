// esbuild bundles these into the page; TypeScript only needs to know they exist.
declare module '*.css';
