namespace TokenPortal.Core.Admin.Import;

/// <summary>A price list that is neither models.dev's nor OpenRouter's shape; the message says what was expected.</summary>
public sealed class PriceListFormatException(string message) : Exception(message);
