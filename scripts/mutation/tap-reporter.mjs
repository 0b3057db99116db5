// Node's TAP reporter with every control, line-separator and text-direction character in the output escaped as
// \uXXXX: test titles quote such characters (the name checks), and a raw U+2028 or C1 control in a TAP line
// makes the TAP parser of Stryker's tap runner lose the test. Used only by the mutation run.
import { tap } from 'node:test/reporters';

const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export default async function* safeTap(source) {
  for await (const chunk of tap(source)) {
    yield String(chunk).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
}
