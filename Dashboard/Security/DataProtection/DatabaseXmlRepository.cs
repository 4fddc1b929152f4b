using System.Xml.Linq;
using Dashboard.Security.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Dashboard.Security.DataProtection;

/// <summary>
/// Keeps ASP.NET Core's data-protection key ring in the product database (<c>data_protection_keys</c>).
/// </summary>
/// <remarks>
/// Session cookies, display cookies and anti-forgery tokens are encrypted with these keys, so the keys must
/// outlive the process: a kiosk display stays signed in across restarts and updates. The database was chosen
/// over a folder under <c>Storage:DataDirectory</c> because it is shared by every instance that uses the same
/// PostgreSQL database (a folder is not, behind a load balancer) and it is backed up with the accounts it
/// protects. The keys are not encrypted at rest; see the migration's note.
/// </remarks>
public sealed class DatabaseXmlRepository(SecurityDatabase database, TimeProvider time) : IXmlRepository
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = new List<XElement>();
        using var connection = database.Open(ReadyTimeout);
        using var command = connection.Command("SELECT xml FROM data_protection_keys ORDER BY created_at");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Open(ReadyTimeout);
        using var command = connection.Command("INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @createdAt) ON CONFLICT DO NOTHING")
            .With("@name", friendlyName)
            .With("@xml", element.ToString(SaveOptions.DisableFormatting))
            .With("@createdAt", database.ToDb(time.GetUtcNow()));
        command.ExecuteNonQuery();
    }
}
