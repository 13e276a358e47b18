export { readCdkAssemblies, constructPathOf, isFrameworkInternalPath, type CdkIo, type CdkReadResult } from './assembly.js';
export { analyzeCdkApp, appEntry, type CdkApp, type ConstructPath, type FunctionDecl, type HandlerSource } from './app.js';
export { mapHandlers } from './match.js';
export { isCloudAssemblyDir } from './detect.js';
