export * from './settings';
export * from './client';
