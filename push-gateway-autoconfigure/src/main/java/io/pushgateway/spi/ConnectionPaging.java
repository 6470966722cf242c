package io.pushgateway.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.pushgateway.core.ConnectionInfo;
import io.pushgateway.core.ConnectionPage;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import org.jspecify.annotations.Nullable;

/**
 * How every registry pages a listing of connections: by socket ID, ascending, the cursor
 * being the last socket ID of the previous page. A socket ID only grows, so a page never
 * repeats a connection and a connection opened meanwhile appears on a later page.
 *
 * @author Push Gateway team
 */
public final class ConnectionPaging {

	private final long after;

	private final int limit;

	private ConnectionPaging(long after, int limit) {
		this.after = after;
		this.limit = limit;
	}

	/**
	 * Check a listing's arguments.
	 * @param target the target: a user or a GUID
	 * @param cursor the cursor, or {@code null} for the first page
	 * @param limit the page size
	 * @return the paging
	 * @throws PushRejectedException when an argument is not valid
	 */
	public static ConnectionPaging of(PushTarget target, @Nullable String cursor, int limit) {
		if (!(target instanceof PushTarget.User) && !(target instanceof PushTarget.Guid)) {
			throw new PushRejectedException("connections are listed by user or by GUID");
		}
		if (limit < 1 || limit > ConnectionPage.MAX_LIMIT) {
			throw new PushRejectedException("limit must be 1 to " + ConnectionPage.MAX_LIMIT);
		}
		long after = 0;
		if (cursor != null && !cursor.isEmpty()) {
			try {
				after = Long.parseLong(cursor);
			}
			catch (NumberFormatException ex) {
				after = -1;
			}
			if (after < 0) {
				throw new PushRejectedException("cursor is not one a listing returned");
			}
		}
		return new ConnectionPaging(after, limit);
	}

	/**
	 * The socket IDs of this page, and one more when there is a next page.
	 * @param socketIds every socket ID of the target, in any order
	 * @return at most {@code limit + 1} IDs after the cursor, ascending
	 */
	public List<Long> select(Collection<Long> socketIds) {
		return socketIds.stream().filter((id) -> id > this.after).sorted().limit(this.limit + 1L).toList();
	}

	/**
	 * The page of what was found for the selected IDs; a selected connection that closed
	 * meanwhile is not on it.
	 * @param selected what {@link #select} returned
	 * @param found the connections found for the first {@code limit} of them, ascending
	 * @return the page
	 */
	public ConnectionPage page(List<Long> selected, List<ConnectionInfo> found) {
		List<ConnectionInfo> connections = new ArrayList<>(found);
		boolean more = selected.size() > this.limit;
		return new ConnectionPage(connections, more ? Long.toString(selected.get(this.limit - 1)) : null);
	}

	/**
	 * The IDs to describe: the selected ones without the look-ahead.
	 * @param selected what {@link #select} returned
	 * @return the IDs of this page
	 */
	public List<Long> ofPage(List<Long> selected) {
		return (selected.size() > this.limit) ? selected.subList(0, this.limit) : selected;
	}

}
