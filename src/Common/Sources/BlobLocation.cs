namespace Pipeline.Common.Sources;

/// <summary>Where a blob lives, decoded from its URL.</summary>
/// <param name="ServiceUri">
/// The blob service root without query: <c>https://acct.blob.core.windows.net/</c> or, path-style,
/// <c>http://127.0.0.1:10000/devstoreaccount1</c>.
/// </param>
/// <param name="AccountName">The storage account.</param>
/// <param name="ContainerName">The container (first path segment after the account).</param>
/// <param name="BlobName">The blob name, percent-decoded; may contain <c>/</c>.</param>
public sealed record BlobLocation(Uri ServiceUri, string AccountName, string ContainerName, string BlobName);
