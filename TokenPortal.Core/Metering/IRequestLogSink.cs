using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Metering;

/// <summary>Accepts request log rows without waiting for the database.</summary>
public interface IRequestLogSink
{
    void Write(RequestLogRecord record);
}
