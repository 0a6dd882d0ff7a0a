import buildOnce from '../buildOnce';

export default async function globalSetup(): Promise<void> {
  await buildOnce();
}
