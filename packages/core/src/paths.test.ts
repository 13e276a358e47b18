import { describe, expect, it } from 'vitest';
import { isInside, joinPath } from './paths.js';

describe('joinPath', () => {
  it('normalizes . and .. and never climbs above /', () => {
    expect(joinPath('/p/svc', './src/../lib/x')).toBe('/p/svc/lib/x');
    expect(joinPath('/p', '../../../etc/passwd')).toBe('/etc/passwd');
    expect(joinPath('/p', '/abs/y')).toBe('/abs/y');
  });
});

describe('isInside', () => {
  it('accepts the root and what is below it, not a sibling with the same prefix', () => {
    expect(isInside('/project', '/project')).toBe(true);
    expect(isInside('/project/', '/project/src/a.ts')).toBe(true);
    expect(isInside('/project', '/project2/a.ts')).toBe(false);
    expect(isInside('/project', '/etc/passwd')).toBe(false);
    expect(isInside('/', '/anything')).toBe(true);
  });
});
