export * from './facts';
export * from './types';
export * from './build';
export * from './scope';
export * from './mermaid';
