namespace Pipeline.Common.Sources;

/// <summary>Where a blob lives, decoded from its URL.</summary>
/// <param name="ServiceUri">
/// The blob service root without query: <c>https://acct.blob.core.windows.net/</c> or, path-style,
/// <c>http://127.0.0.1:10000/devstoreaccount1</c>.
/// </param>
/// <param name="AccountName">The storage account.</param>
/// <param name="ContainerName">The container (first path segment after the account).</param>
/// <param name="BlobName">The blob name, percent-decoded and verbatim: may contain <c>/</c>, start with one, hold <c>.</c>, <c>..</c> or empty segments.</param>
public sealed record BlobLocation(Uri ServiceUri, string AccountName, string ContainerName, string BlobName);
