namespace Pipeline.Common.Sources;

/// <summary>A blob service endpoint we own, e.g. the <c>BlobEndpoint</c> of the configured connection string.</summary>
/// <param name="ServiceUri">
/// Scheme, host, port and, for path-style endpoints (Azurite, emulators), the account segment:
/// <c>http://127.0.0.1:10000/devstoreaccount1</c>. Any query (SAS) is ignored.
/// </param>
/// <param name="AccountName">The account the endpoint serves.</param>
public sealed record BlobServiceEndpoint(Uri ServiceUri, string AccountName);
