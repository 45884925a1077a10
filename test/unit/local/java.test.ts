import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { JavaRequiredError, javaMajor, javaVersion, requireJava } from '../../../local/java.ts';

// `java -version` output as real JVMs print it (to stderr).
const OUTPUTS = {
  debian17: [
    'openjdk version "17.0.15" 2025-04-15',
    'OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)',
    'OpenJDK 64-Bit Server VM (build 17.0.15+6-Debian-1deb12u1, mixed mode, sharing)',
  ].join('\n'),
  oracle8: [
    'java version "1.8.0_392"',
    'Java(TM) SE Runtime Environment (build 1.8.0_392-b08)',
    'Java HotSpot(TM) 64-Bit Server VM (build 25.392-b08, mixed mode)',
  ].join('\n'),
  temurin21:
    'openjdk version "21" 2023-09-19 LTS\nOpenJDK Runtime Environment Temurin-21+35 (build 21+35-LTS)',
  earlyAccess: 'openjdk version "26-ea" 2026-03-17\nOpenJDK Runtime Environment (build 26-ea+20-2383)',
  toolOptions: 'Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "11.0.22" 2024-01-16',
};

describe('javaVersion and javaMajor', () => {
  test.each([
    ['debian17', '17.0.15', 17],
    ['oracle8', '1.8.0_392', 8],
    ['temurin21', '21', 21],
    ['earlyAccess', '26-ea', 26],
    ['toolOptions', '11.0.22', 11],
  ] as const)('reads the %s output as version %s, major %d', (name, version, major) => {
    expect(javaVersion(OUTPUTS[name])).toBe(version);
    expect(javaMajor(version)).toBe(major);
  });

  test('finds no version in output that is not a JVM banner', () => {
    expect(javaVersion('bash: java: command not found')).toBeUndefined();
  });

  test('finds no major in a version that does not start with a number', () => {
    expect(javaMajor('internal')).toBeUndefined();
  });
});

describe('requireJava', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eye-java-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A `java` that prints `banner` to stderr, as a real one does. */
  const fakeJava = (banner: string) => {
    const java = join(dir, 'java');
    writeFileSync(java, `#!/bin/sh\ncat >&2 <<'EOF'\n${banner}\nEOF\n`);
    chmodSync(java, 0o755);
    return java;
  };

  test('returns the version of a Java 17', async () => {
    await expect(requireJava(fakeJava(OUTPUTS.debian17))).resolves.toBe('17.0.15');
  });

  test('refuses Java 8, saying what was found and how to install a newer one', async () => {
    const refusal = requireJava(fakeJava(OUTPUTS.oracle8));
    await expect(refusal).rejects.toThrow(JavaRequiredError);
    await expect(refusal).rejects.toThrow(
      /found Java 1\.8\.0_392[\s\S]*apt-get install openjdk-17-jre-headless/,
    );
  });

  test('refuses a machine without java, naming each way to install it', async () => {
    const refusal = requireJava(join(dir, 'java'));
    await expect(refusal).rejects.toThrow(/no working `java` on PATH/);
    await expect(refusal).rejects.toThrow(/brew install openjdk@17[\s\S]*adoptium\.net/);
  });
});
