import type { ApiStage } from '@lambda-lint/core';

/** For messages: what kind of API Gateway API a stage belongs to. */
export const API_KIND_LABELS: Record<ApiStage['kind'], string> = {
  rest: 'REST API',
  http: 'HTTP API',
  websocket: 'WebSocket API',
};

/** How a stage is named in messages: the implicit API of events, or the stage / API resource. */
export function stageLabel(stage: ApiStage): string {
  if (stage.implicit) {
    const source = stage.platform === 'serverless' ? { rest: '`http`', http: '`httpApi`', websocket: '`websocket`' }[stage.kind] : { rest: '`Api`', http: '`HttpApi`', websocket: '' }[stage.kind];
    return `${stage.name} (the ${API_KIND_LABELS[stage.kind]} created for the ${source} events)`;
  }
  return `${stage.name} (${API_KIND_LABELS[stage.kind]} stage)`;
}
