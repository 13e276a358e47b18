export { review, newFindings, type ReviewOptions, type ReviewResult } from './review.js';
export { reviewChanges } from './changes.js';
export { templateViews, type TemplateView } from './template.js';
export { gitHost, gitTopLevel, resolveCommit, GitError } from './git-host.js';
export { reviewFiles, reviewFixture, readTree, type TestReviewOptions } from './testing.js';
