global using TokenPortal.Tests.Infrastructure;
