import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// Amazon DynamoDB Local is a Java program: Java 17+ is the one thing the local runtime needs besides npm.

const MIN_JAVA_MAJOR = 17;

/** The version string in `java -version` output ("17.0.15", "1.8.0_392", "21"), if there is one. */
export const javaVersion = (output: string): string | undefined => /version "([^"]+)"/.exec(output)?.[1];

/** The major version of a Java version string: "1.8.0_392" is 8 (the pre-9 scheme), "17.0.15" is 17. */
export const javaMajor = (version: string): number | undefined => {
  const [first, second] = version.split(/[._+-]/).map(Number);
  const major = first === 1 ? second : first;
  return Number.isInteger(major) ? major : undefined;
};

export class JavaRequiredError extends Error {
  constructor(found: string) {
    super(
      [
        `The local runtime needs Java ${MIN_JAVA_MAJOR} or newer for Amazon DynamoDB Local; found ${found}.`,
        'Install one, then check that `java -version` works in this shell:',
        '  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless',
        '  macOS:         brew install openjdk@17   (and follow its note to put it on PATH)',
        '  any system:    https://adoptium.net (Eclipse Temurin 17 or newer)',
      ].join('\n'),
    );
    this.name = 'JavaRequiredError';
  }
}

/** Checks that `java` (on PATH) is Java 17+ and returns its version; throws JavaRequiredError otherwise. */
export const requireJava = async (java = 'java'): Promise<string> => {
  let output: string;
  try {
    // `java -version` writes to stderr.
    const { stdout, stderr } = await promisify(execFile)(java, ['-version'], { timeout: 30_000 });
    output = `${stderr}${stdout}`;
  } catch {
    throw new JavaRequiredError('no working `java` on PATH');
  }
  const version = javaVersion(output);
  const major = version === undefined ? undefined : javaMajor(version);
  if (version === undefined || major === undefined) {
    throw new JavaRequiredError(`a \`java\` whose version could not be read:\n${output.trim()}`);
  }
  if (major < MIN_JAVA_MAJOR) throw new JavaRequiredError(`Java ${version}`);
  return version;
};
