// The backend suites start processes: 60 s a test, whether jest runs this project alone or with
// the others (testTimeout is a global option that jest 29 warns about in a project's config).
jest.setTimeout(60_000);
