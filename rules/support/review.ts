import { relativeTo, type Loc } from '@lambda-lint/core';

/**
 * Where something was in the base revision, as words for a message: `line 3 of template.yaml in main`.
 * Not a related location: a location's file is the working-tree path, and a viewer would open the
 * head file at the base revision's line numbers, which point at something else.
 */
export function basePlace(loc: Loc, root: string, baseRef: string): string {
  return `line ${loc.line} of ${relativeTo(root, loc.file) ?? loc.file} in ${baseRef}`;
}
