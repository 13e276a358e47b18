import type { AppModel } from '@lambda-lint/core';
import type { Host } from '@lambda-lint/linter';

type Read = <P extends { model: AppModel }>(read: () => P) => P;

/**
 * What a whole-project run read from the configuration (the application model, through lint()'s
 * `keepProject` hook), kept for the runs after an edit of a code file: while no file it read
 * changed, reading `serverless.yml` or the templates again would give the same model, so those
 * runs take a copy of it and only analyse code.
 *
 * The kept project also holds the code reader lint() made for the first run, bound to the host it
 * was given; that host is this object's `host`, which each run points at its own (recording,
 * editor-buffer) host before calling lint().
 */
export class KeptConfiguration {
  #kept: { project: { model: AppModel }; diagnostics: AppModel['diagnostics']; fileCount: number } | undefined;
  #target: Host;
  #reading = false;
  /** Files read (with content) while the configuration was read: an edit of one (a `serverless.ts`, a CDK app's source) changes the model. */
  readonly configurationFiles = new Set<string>();
  readonly host: Host;

  constructor(host: Host) {
    this.#target = host;
    const self = this;
    this.host = {
      get env() {
        return self.#target.env;
      },
      readFile: (path) => {
        if (this.#reading) this.configurationFiles.add(path);
        return this.#target.readFile(path);
      },
      readDir: (path) => this.#target.readDir(path),
      kindOf: (path) => this.#target.kindOf(path),
    };
  }

  /** The hook of the whole-project run: reads the configuration and keeps what it read. */
  readonly read: Read = (read) => {
    this.#reading = true;
    try {
      const project = read();
      this.#kept = { project, diagnostics: [...project.model.diagnostics], fileCount: project.model.fileCount };
      return this.#copy(project);
    } finally {
      this.#reading = false;
    }
  };

  /**
   * The hook of a later run, reading through `host`: the kept project, or a new read when there is
   * none. The model's objects are shared (the readers' output is not changed by analysis or rules);
   * what lint() adds to (code diagnostics, the file count) is the run's own.
   */
  reuse(host: Host): Read {
    this.#target = host;
    return (read) => {
      const kept = this.#kept;
      // The hook's type parameter is lint()'s own project type, the one this run's read() returns.
      return kept ? this.#copy(kept.project as ReturnType<typeof read>) : read();
    };
  }

  #copy<P extends { model: AppModel }>(project: P): P {
    const kept = this.#kept!;
    return { ...project, model: { ...project.model, diagnostics: [...kept.diagnostics], fileCount: kept.fileCount } };
  }
}
