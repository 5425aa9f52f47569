using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Providers;

public interface IProviderAdapters
{
    IProviderAdapter For(ProviderKind kind);
}
